"""Building blocks of the config schema: secrets, URLs, TLS and auth, the strict base model."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qsl, urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

from obskit import redaction
from obskit.errors import InputError
from obskit.inputfile import InputFileError, read_input_text
from obskit.limits import limit

REDACTED = redaction.REDACTED

# keys that hold secrets; each may be given as <key>_env or <key>_file in obskit.yaml
SECRET_KEYS = ("password", "bearer_token", "api_key", "token")


@dataclass(frozen=True)
class Secret:
    """A credential. Prints as ``***``; ``source`` says where it came from.

    The value is normalised on load: surrounding whitespace is stripped (a Kubernetes Secret made from a
    file ends in a newline), as kubectl users expect. A ``*_file`` reference is read lazily, on first
    :meth:`reveal`, so commands that never talk to that backend never touch the file; the file must be a
    regular file of bounded size holding UTF-8 text. A reference that cannot be resolved keeps its
    ``problem`` (file:line and key path) and raises only when the secret is used. Every revealed value is
    registered with :mod:`obskit.redaction` so that no output can carry it.
    """

    value: str
    source: str
    problem: str | None = None  # why the value is missing, with file:line and key path
    file: Path | None = None  # read on first reveal()
    where: str = ""  # file:line: key path of the reference, for errors about the file

    def __post_init__(self) -> None:
        raw = self.value
        object.__setattr__(self, "value", raw.strip())
        redaction.register(raw)

    def reveal(self) -> str:
        if self.problem is not None:
            raise InputError(self.problem)
        if self.file is not None and not self.value:
            object.__setattr__(self, "value", self._read_file(self.file))
        if not self.value:
            raise InputError(f"{self.where or self.source}: the secret is empty ({self.source})")
        redaction.register(self.value)
        return self.value

    def _read_file(self, path: Path) -> str:
        try:
            text = read_input_text(path.expanduser(), limit("secret_file", "max_bytes"), what="secret file")
        except InputFileError as exc:
            raise InputError(f"{self.where}: cannot read secret file: {exc.message}") from None
        redaction.register(text)
        return text.strip()

    def file_problem(self) -> str | None:
        """Why the secret file cannot be used, found without reading it (for `config show`), or None."""
        if self.file is None or self.value:
            return None
        try:
            info = os.stat(self.file.expanduser())
        except OSError as exc:
            return exc.strerror or str(exc)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size > limit("secret_file", "max_bytes"):
            return "too large for a secret file"
        return None

    def __str__(self) -> str:
        return REDACTED

    def __repr__(self) -> str:
        return f"Secret({REDACTED}, source={self.source!r})"


@cache
def _credential_params() -> frozenset[str]:
    data = yaml.safe_load(Path(__file__).with_name("url_policy.yaml").read_text(encoding="utf-8"))
    return frozenset(_param_key(name) for name in data["credential_query_parameters"])


def _param_key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    names = sorted({_param_key(name) for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
                   & _credential_params())
    if names:
        # never echo the value: it holds a credential
        raise ValueError(f"the URL carries a credential in its query (?{names[0]}=...); put it in the auth "
                         "section with *_env or *_file instead")
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


