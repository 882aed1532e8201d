"""HTTP clients for backends, built from config (auth, TLS, timeouts), and plain-words failure reasons.

Every adapter that speaks HTTP to a backend gets its client here, so auth and TLS behave the same
everywhere and no credential is ever formatted into a message.
"""

from __future__ import annotations

import errno
import ssl
from typing import Any

import httpx

from obskit import __version__, redaction
from obskit.config import TLS, Auth, Secret
from obskit.errors import ObskitError

USER_AGENT = f"obskit/{__version__}"


def verify_setting(tls: TLS) -> bool | str | ssl.SSLContext:
    if tls.insecure_skip_verify:
        return False
    if tls.ca_file is not None:
        return ssl.create_default_context(cafile=str(tls.ca_file))
    return True


def auth_headers(auth: Auth | None = None, token: Secret | None = None) -> dict[str, str]:
    """Authorization header for a bearer token, an ES API key or basic auth (in that order)."""
    headers: dict[str, str] = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token.reveal()}"
    elif auth is not None and auth.bearer_token is not None:
        headers["Authorization"] = f"Bearer {auth.bearer_token.reveal()}"
    elif auth is not None and auth.api_key is not None:
        headers["Authorization"] = f"ApiKey {auth.api_key.reveal()}"
    return headers


def basic_auth(auth: Auth | None) -> httpx.BasicAuth | None:
    if auth is not None and auth.username and auth.password is not None:
        password = auth.password.reveal()
        redaction.register_basic_auth(auth.username, password)
        return httpx.BasicAuth(auth.username, password)
    return None


def http_client(
    base_url: str,
    *,
    auth: Auth | None = None,
    token: Secret | None = None,
    tls: TLS | None = None,
    timeout: float = 10.0,
    headers: dict[str, str] | None = None,
) -> httpx.Client:
    all_headers = {"User-Agent": USER_AGENT, **auth_headers(auth, token), **(headers or {})}
    return httpx.Client(
        base_url=base_url,
        headers=all_headers,
        auth=basic_auth(auth),
        verify=verify_setting(tls or TLS()),
        timeout=timeout,
        follow_redirects=True,
    )


def prometheus_client(url: str, prometheus: Any = None, timeout: float = 10.0) -> httpx.Client:
    """A client for Prometheus at `url`, with the configured auth and TLS when `url` is the configured one
    (`prometheus` is a PrometheusConfig or None); a different URL gets no credentials sent to it."""
    if prometheus is not None and prometheus.url and str(prometheus.url).rstrip("/") == url.rstrip("/"):
        return http_client(url, auth=prometheus.auth, tls=prometheus.tls, timeout=timeout)
    return http_client(url, timeout=timeout)


def _root_cause(exc: BaseException) -> BaseException:
    seen = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return seen


def describe_failure(exc: BaseException, timeout: float | None = None) -> str:
    """Say in plain words why a request failed: connection refused, TLS, timeout, DNS, ..."""
    if isinstance(exc, ObskitError):  # e.g. a secret reference that could not be resolved
        return exc.message
    if isinstance(exc, httpx.HTTPStatusError):
        return describe_status(exc.response.status_code)
    if isinstance(exc, httpx.TimeoutException) or "timed out" in str(exc).lower():
        return f"timeout after {timeout:g} s" if timeout else "timeout"
    status = getattr(exc, "status", None)  # kubernetes ApiException and similar client errors
    if isinstance(status, int) and status >= 400:
        return describe_status(status)
    reason = getattr(exc, "reason", None)  # urllib3 MaxRetryError wraps the real cause
    if isinstance(reason, BaseException):
        return describe_failure(reason, timeout)
    root = _root_cause(exc)
    if isinstance(root, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(exc) or "SSL" in str(exc):
        detail = getattr(root, "reason", None) or type(root).__name__
        return f"TLS error: {detail} (set tls.ca_file, or tls.insecure_skip_verify for testing only)"
    if isinstance(root, ConnectionRefusedError) or getattr(root, "errno", None) == errno.ECONNREFUSED:
        return "connection refused"
    if "Name or service not known" in str(root) or "nodename nor servname" in str(root):
        return "host name not found (DNS)"
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        return "connection refused" if "refused" in text.lower() else f"cannot connect: {text}"
    return f"{type(exc).__name__}: {exc}"


def describe_status(status: int) -> str:
    reasons = {
        401: "401 Unauthorized: credentials missing or rejected",
        403: "403 Forbidden: the credentials lack permission",
        404: "404 Not Found: wrong URL or API path",
    }
    if status in reasons:
        return reasons[status]
    if status >= 500:
        return f"{status} server error"
    return f"HTTP {status}"


def get_json(client: httpx.Client, path: str, **kwargs: Any) -> Any:
    """GET and decode JSON, raising httpx.HTTPStatusError on non-2xx."""
    response = client.get(path, **kwargs)
    response.raise_for_status()
    return response.json()
