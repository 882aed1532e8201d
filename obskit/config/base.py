"""Building blocks of the config schema: secrets, URLs, TLS and auth, the strict base model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

from obskit.errors import InputError

REDACTED = "***"

# keys that hold secrets; each may be given as <key>_env or <key>_file in obskit.yaml
SECRET_KEYS = ("password", "bearer_token", "api_key", "token")


@dataclass(frozen=True)
class Secret:
    """A resolved credential. Prints as ``***``; ``source`` says where it came from.

    A reference that cannot be resolved (unset variable, unreadable file) is kept with its `problem` and
    raises only when the secret is used, so that commands that never talk to that backend still work.
    """

    value: str
    source: str
    problem: str | None = None  # why the value is missing, with file:line and key path

    def reveal(self) -> str:
        if self.problem is not None:
            raise InputError(self.problem)
        return self.value

    def __str__(self) -> str:
        return REDACTED

    def __repr__(self) -> str:
        return f"Secret({REDACTED}, source={self.source!r})"


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a URL: {value!r} (expected http:// or https:// and a host)")
    if parts.username or parts.password:
        # never echo the value: it holds a credential
        raise ValueError("credentials may not be part of a URL; use the auth section with *_env or *_file")
    return value.rstrip("/")


Url = Annotated[str, AfterValidator(_check_url)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)


class TLS(_Model):
    ca_file: Path | None = None
    insecure_skip_verify: bool = False

    @field_validator("ca_file")
    @classmethod
    def _ca_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"CA file not found: {str(value)!r}")
        return value


class Auth(_Model):
    """Bearer token, basic auth or (Elasticsearch) API key. Secrets are resolved objects."""

    username: str | None = None
    password: Secret | None = None
    bearer_token: Secret | None = None
    api_key: Secret | None = None


