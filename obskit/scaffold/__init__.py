"""`obskit init`: scaffold a team's repository for observability as code.

Writes obskit.yaml with example services, the services dashboard generator and its built output, an
example SLO and rule with their promtool test, a CI workflow and a pre-commit configuration. Templates
are files in ``templates/`` (placeholders ``@NAME@``). Idempotent: a file that exists with the same
content is left alone, one that differs is skipped unless ``force``; nothing else is touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from obskit import __version__
from obskit.errors import InputError

TEMPLATES = Path(__file__).with_name("templates")
DEFAULT_SERVICES = ("checkout", "payments")
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")  # a DNS label: safe in YAML, PromQL and file names
RUNBOOK = "https://example.com/runbooks/{service}"  # replace with your runbooks


class Action(StrEnum):
    created = "created"
    overwritten = "overwritten"
    unchanged = "unchanged"
    skipped = "skipped"  # exists with other content; --force overwrites


@dataclass
class FileResult:
    path: str  # relative to the target directory, POSIX
    action: Action


@dataclass
class InitResult:
    directory: Path
    files: list[FileResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"directory": str(self.directory),
                "files": [{"path": f.path, "action": str(f.action)} for f in self.files]}


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name) if part)


def _render(template: str, values: dict[str, str]) -> str:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    leftover = re.search(r"@[A-Z]+@", text)
    if leftover:  # a template bug, not a user error
        raise RuntimeError(f"template {template}: unfilled placeholder {leftover.group(0)}")
    return text


def check_services(services: list[str]) -> list[str]:
    for name in services:
        if not _NAME.match(name):
            raise InputError(f"--service {name!r}: expected a lower-case DNS label (a-z, 0-9, '-'), e.g. checkout")
    if len(set(services)) != len(services):
        raise InputError("--service: each service once")
    return services


def planned_files(services: list[str]) -> dict[str, str]:
    """Relative path -> content of every file init writes, build output excluded."""
    first = services[0]
    values = {"SERVICE": first, "ALERT": _camel(first), "RUNBOOK": RUNBOOK.format(service=first),
              "VERSION": __version__,
              "SERVICES": "\n".join(f"  - name: {s}" for s in services) if services else "  []"}
    return {
        "obskit.yaml": _render("obskit.yaml.tmpl", values),
        "dashboards/services/services.py": _render("services.py.tmpl", values),
        "alerts/README.md": _render("alerts-readme.md.tmpl", values),
        f"alerts/slos/{first}.yaml": _render("slo.yaml.tmpl", values),
        f"alerts/rules/{first}.yaml": _render("rules.yaml.tmpl", values),
        f"alerts/tests/{first}-slo.test.yaml": _render("slo-test.yaml.tmpl", values),
        ".github/workflows/obskit.yml": _render("workflow.yaml.tmpl", values),
        ".pre-commit-config.yaml": _render("pre-commit-config.yaml.tmpl", values),
    }


def _configured_services(directory: Path) -> list[str]:
    """The services of an obskit.yaml already in ``directory``: the examples are then made for them."""
    config = directory / "obskit.yaml"
    if not config.is_file():
        return []
    from obskit.config import load_config

    names = [s.name for s in load_config(config, env={}).config.services]
    return [n for n in names if _NAME.match(n)]


def _put(directory: Path, relative: str, text: str, force: bool, result: InitResult) -> None:
    target = directory / relative
    if target.is_file():
        if target.read_text(encoding="utf-8", errors="replace") == text:
            result.files.append(FileResult(relative, Action.unchanged))
            return
        if not force:
            result.files.append(FileResult(relative, Action.skipped))
            return
        action = Action.overwritten
    elif target.exists():
        raise InputError(f"{target}: exists and is not a file; move it away or choose another directory")
    else:
        action = Action.created
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    result.files.append(FileResult(relative, action))


def init(directory: Path, services: list[str] | None = None, force: bool = False) -> InitResult:
    """Write the scaffold into ``directory`` (created when missing), then build the dashboards it defines."""
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    chosen = check_services(list(services or _configured_services(directory) or DEFAULT_SERVICES))
    if not chosen:
        raise InputError("--service: give at least one service")
    directory.mkdir(parents=True, exist_ok=True)
    result = InitResult(directory)
    for relative, text in planned_files(chosen).items():
        _put(directory, relative, text, force, result)
    _build_dashboards(directory, force, result)
    return result


def _build_dashboards(directory: Path, force: bool, result: InitResult) -> None:
    """dashboards/generated/ as `obskit dashboards build` writes it, so `obskit check` starts clean."""
    from obskit.dashboards.emit import outputs
    from obskit.dashboards.model import BUILD_DIR, DEFAULT_DIR, load

    root = directory / DEFAULT_DIR
    loaded = load([root])
    if loaded.errors:
        raise InputError("cannot build the dashboards: " + "; ".join(str(e) for e in loaded.errors))
    for out in outputs(loaded.dashboards, "json"):
        _put(directory, (Path(DEFAULT_DIR) / BUILD_DIR / out.path).as_posix(), out.text, force, result)
