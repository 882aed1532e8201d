"""Push dashboards to Grafana (and prune removed ones) through grafana-client.

Asks ``GET /api/health`` first: a Grafana older than the supported minimum (obskit/sources/versions.yaml)
is refused before anything is written. Follows the Grafana HTTP API (dashboard, folder and search
endpoints; Grafana 10 to 13.2, the version the stack deploys):
``POST /api/dashboards/db`` with ``overwrite`` and ``message`` upserts by uid; ``GET /api/folders``
and ``POST /api/folders`` find or create folders; ``GET /api/search?type=dash-db&folderUIDs=...``
lists a folder's dashboards for pruning; ``DELETE /api/dashboards/uid/<uid>`` deletes. The token comes
from config (a Secret) and is never formatted into any message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlparse

from obskit.config import TLS, Secret
from obskit.dashboards.model import GENERAL_FOLDER, Dashboard
from obskit.errors import BackendError

VOLATILE = ("id", "version")  # Grafana sets these on save; they never differ "in code"


@dataclass
class GrafanaTarget:
    url: str
    token: Secret | None = None
    org: int = 1
    tls: TLS | None = None


@dataclass
class Change:
    uid: str
    title: str
    folder: str
    action: str  # new, changed, unchanged, deleted (or "would ..." in a dry run), failed
    detail: str = ""


@dataclass
class PushPlan:
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    grafana_version: str = ""

    def count(self, action: str) -> int:
        return sum(c.action == action for c in self.changes)

    def add_error(self, message: str) -> None:
        """Record a failure once: an unreachable Grafana fails every dashboard for the same reason."""
        if message not in self.errors:
            self.errors.append(message)

    def to_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "grafana_version": self.grafana_version,
                "changes": [asdict(c) for c in self.changes], "errors": self.errors}

    def render_text(self) -> str:
        lines = [f"{c.action:<10} {c.folder}/{c.title} (uid {c.uid}){' ' + c.detail if c.detail else ''}"
                 for c in self.changes]
        actions = ["new", "changed", "unchanged", "deleted", "failed"]
        lines.append(("dry run: " if self.dry_run else "") + ", ".join(f"{self.count(a)} {a}" for a in actions))
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines) + "\n"


def folder_uid(title: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", title.lower()).strip("-") or "folder"
    return f"obskit-{slug}"[:40]


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in VOLATILE}


def connect(target: GrafanaTarget) -> Any:
    from grafana_client import GrafanaApi

    parsed = urlparse(target.url)
    verify: bool | str = True
    if target.tls is not None and target.tls.insecure_skip_verify:
        verify = False
    elif target.tls is not None and target.tls.ca_file is not None:
        verify = str(target.tls.ca_file)
    return GrafanaApi(
        auth=target.token.reveal() if target.token is not None else None,
        host=parsed.hostname or "localhost", port=parsed.port, protocol=parsed.scheme or "http",
        url_path_prefix=parsed.path.strip("/"), verify=verify, timeout=10.0, organization_id=target.org,
        user_agent="obskit",
    )


def describe(exc: Exception) -> str:
    """A Grafana failure in plain words, without credentials."""
    from grafana_client.client import GrafanaException

    if isinstance(exc, GrafanaException):
        status = exc.status_code
        if status == 401:
            return "401 Unauthorized: the Grafana token is missing or rejected (grafana.token)"
        if status == 403:
            return "403 Forbidden: the token lacks permission (needs Editor for push, Admin to create folders)"
        if status == 0:
            return f"cannot reach Grafana: {exc.message}"
        return f"Grafana answered {status}: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def _is_404(exc: Exception) -> bool:
    return getattr(exc, "status_code", None) == 404


class _Session:
    def __init__(self, api: Any, url: str) -> None:
        self.api = api
        self.url = url
        self.folders: dict[str, str] | None = None  # title -> uid
        self.unreachable: str | None = None  # set when Grafana gave no HTTP answer (DNS, refused, TLS, timeout)

    def call(self, what: str, fn: Callable[..., Any], *args: Any, expect: type | None = None, **kwargs: Any) -> Any:
        """``fn(...)`` with Grafana and HTTP failures as BackendError; ``expect`` is the JSON shape the caller
        reads (an object, a list): anything else (an SSO login page, a proxy's answer) is a backend error."""
        from grafana_client.client import GrafanaException
        from niquests.exceptions import RequestException  # grafana-client speaks HTTP through niquests

        from obskit.transport import describe_failure

        if self.unreachable is not None:  # no point asking again: every call would fail the same way
            raise BackendError(self.unreachable)
        try:
            answer = fn(*args, **kwargs)
        except GrafanaException as exc:
            if _is_404(exc):
                raise
            raise BackendError(f"Grafana at {self.url}: {what}: {describe(exc)}") from None
        except RequestException as exc:  # no HTTP answer at all: refused, DNS, TLS, timeout
            self.unreachable = f"Grafana at {self.url}: {describe_failure(exc)}"
            raise BackendError(self.unreachable) from None
        except ValueError as exc:  # a 200 answer that is not JSON (an HTML login page)
            raise BackendError(f"Grafana at {self.url}: {what}: the answer is not JSON ({exc})") from None
        if expect is not None and not isinstance(answer, expect):
            shape = {dict: "a JSON object", list: "a JSON list"}.get(expect, expect.__name__)
            raise BackendError(f"Grafana at {self.url}: {what}: unexpected answer: expected {shape}, "
                               f"got {type(answer).__name__}")
        return answer

    def folder_uid(self, title: str, create: bool) -> str | None:
        if title == GENERAL_FOLDER:
            return None
        if self.folders is None:
            found = self.call("list folders", self.api.folder.get_all_folders, expect=list)
            self.folders = {f["title"]: f["uid"] for f in found}
        if title not in self.folders:
            if not create:
                return folder_uid(title)
            created = self.call(f"create folder {title!r}", self.api.folder.create_folder, title,
                                uid=folder_uid(title))
            self.folders[title] = created["uid"]
        return self.folders[title]

    def current(self, uid: str) -> dict[str, Any] | None:
        try:
            return self.call(f"get dashboard {uid}", self.api.dashboard.get_dashboard, uid, expect=dict)
        except Exception as exc:
            if _is_404(exc):
                return None
            raise


def grafana_version(session: _Session) -> str:
    """The version ``GET /api/health`` reports; BackendError when the Grafana is older than supported."""
    from obskit.sources.versions import require

    health = session.call("health", session.api.client.GET, "/health", expect=dict)
    version = str(health.get("version") or "")
    require("grafana", version, lambda note: BackendError(f"Grafana at {session.url}: {note}"))
    return version


def push_dashboards(target: GrafanaTarget, dashboards: list[Dashboard], *, folder: str | None = None,
                    dry_run: bool = False, prune: bool = False, message: str = "pushed by obskit",
                    progress: Callable[[int, int], None] | None = None) -> PushPlan:
    """Upsert every dashboard by uid; with ``prune``, delete others in the folders pushed to.

    ``progress(done, total)`` is called after each dashboard (the CLI draws a progress bar).
    """
    session = _Session(connect(target), target.url)
    plan = PushPlan(dry_run)
    try:
        plan.grafana_version = grafana_version(session)
    except BackendError as exc:  # unreachable, or too old: nothing is asked or written after this
        plan.changes = [Change(d.uid, d.title, folder or d.folder, "failed") for d in dashboards]
        plan.add_error(exc.message)
        return plan
    managed: dict[str, str | None] = {}
    ordered = sorted(dashboards, key=lambda d: (d.folder, d.title))
    for done, dash in enumerate(ordered, start=1):
        if progress is not None and done > 1:
            progress(done - 1, len(ordered))
        title = folder or dash.folder
        try:
            fuid = session.folder_uid(title, create=not dry_run)
            managed[title] = fuid
            existing = session.current(dash.uid)
            if existing is None:
                action = "new"
            else:
                same = comparable(existing.get("dashboard") or {}) == comparable(dash.data)
                same_folder = ((existing.get("meta") or {}).get("folderUid") or None) == fuid
                action = "unchanged" if same and same_folder else "changed"
            if action != "unchanged" and not dry_run:
                body = {"dashboard": {**dash.data, "id": None}, "overwrite": True, "message": message}
                if fuid:
                    body["folderUid"] = fuid
                session.call(f"save dashboard {dash.uid}", session.api.dashboard.update_dashboard, body)
            plan.changes.append(Change(dash.uid, dash.title, title, action))
        except BackendError as exc:
            plan.changes.append(Change(dash.uid, dash.title, title, "failed"))
            plan.add_error(exc.message)
    if progress is not None:
        progress(len(ordered), len(ordered))
    if prune:
        _prune(session, plan, managed, {d.uid for d in dashboards}, dry_run)
    return plan


def _prune(session: _Session, plan: PushPlan, managed: dict[str, str | None], keep: set[str],
           dry_run: bool) -> None:
    for title, fuid in sorted(managed.items()):
        if fuid is None or session.folders is None or title not in session.folders:
            continue  # never prune the General folder, nor a folder that does not exist yet
        try:
            found = session.call(f"search folder {title!r}", session.api.search.search_dashboards,
                                 type_="dash-db", folder_uids=[fuid], limit=5000, expect=list)
        except BackendError as exc:
            plan.add_error(exc.message)
            continue
        for item in found:
            if item.get("uid") in keep or item.get("folderUid", fuid) != fuid:
                continue
            change = Change(item["uid"], item.get("title", ""), title, "deleted", "(would delete)" if dry_run else "")
            if not dry_run:
                try:
                    session.call(f"delete dashboard {item['uid']}", session.api.dashboard.delete_dashboard,
                                 item["uid"])
                except BackendError as exc:
                    change.action = "failed"
                    plan.add_error(exc.message)
            plan.changes.append(change)
