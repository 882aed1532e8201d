"""Find and load rule sources: Prometheus rule YAML, PrometheusRule objects, ``*.rules.py`` and SLO specs.

Every loader returns :class:`RuleSet` objects whose rules carry the file, line and column they were
written at, so lint diagnostics and promtool errors point at the user's file.
"""

from __future__ import annotations

import re
import runpy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from obskit.alerts.model import Alert, Group, Origin, Record, RuleSet
from obskit.alerts.ruleload import check_loadable
from obskit.alerts.yamlsource import YamlDoc, load_yaml_all
from obskit.errors import InputError
from obskit.inputguard import reading

RULE_KEYS = {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}
GROUP_KEYS = {"name", "interval", "rules", "limit", "query_offset"}


def classify(doc: YamlDoc) -> str:
    """What a YAML file is: rules-yaml, prometheusrule, sloth, openslo, promtool-test, windows, or unknown."""
    data = doc.data
    if not isinstance(data, dict):
        return "unknown"
    if data.get("kind") == "PrometheusRule":
        return "prometheusrule"
    if data.get("version") == "prometheus/v1":
        return "sloth"
    if str(data.get("apiVersion", "")).startswith("openslo/"):
        return "openslo"
    if "rule_files" in data or "tests" in data:
        return "promtool-test"
    if data.get("kind") == "BurnRateWindows":
        return "windows"
    if "groups" in data:
        return "rules-yaml"
    return "unknown"


def discover(paths: Iterable[Path]) -> list[Path]:
    """Rule sources under the given files/directories, sorted; missing paths are input errors."""
    found: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or directory: {path}")
        if path.is_file():
            found.add(path)
            continue
        if not path.is_dir():
            raise InputError(f"{path}: not a regular file or directory (a pipe or device cannot be a rule file)")
        for pattern in ("**/*.yaml", "**/*.yml", "**/*.rules.py"):
            found.update(p for p in path.glob(pattern) if p.is_file() and ".obskit" not in p.parts)
    return sorted(found)


def _mapping(doc: YamlDoc, key: tuple[Any, ...], value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        o = doc.origin(key)
        raise InputError(f"{o.file}:{o.line}:{o.column}: {what} must be a mapping")
    return value


def _strings(doc: YamlDoc, key: tuple[Any, ...], value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    mapping = _mapping(doc, key, value, what)
    return {str(k): "" if v is None else str(v) for k, v in mapping.items()}


def groups_from_yaml(doc: YamlDoc, base: tuple[Any, ...] = ()) -> list[Group]:
    """Build groups from a rule-file mapping found at ``base`` (``()`` or ``("spec",)``)."""
    node = doc.data
    for part in base:
        node = node.get(part) if isinstance(node, dict) else None
    node = _mapping(doc, base, node, "the rule file" if not base else "spec")
    unknown = set(node) - {"groups"}
    if unknown:
        name = sorted(unknown)[0]
        o = doc.origin((*base, name), of_key=True)
        raise InputError(f"{o.file}:{o.line}:{o.column}: unknown field {name!r} (expected groups)")
    groups_raw = node.get("groups") or []
    if not isinstance(groups_raw, list):
        o = doc.origin((*base, "groups"))
        raise InputError(f"{o.file}:{o.line}:{o.column}: groups must be a list")
    groups = []
    for gi, graw in enumerate(groups_raw):
        gkey = (*base, "groups", gi)
        graw = _mapping(doc, gkey, graw, "a group")
        for name in graw:
            if name not in GROUP_KEYS:
                o = doc.origin((*gkey, name), of_key=True)
                raise InputError(f"{o.file}:{o.line}:{o.column}: unknown group field {name!r}")
        if not isinstance(graw.get("name"), str) or not graw["name"]:
            o = doc.origin(gkey)
            raise InputError(f"{o.file}:{o.line}:{o.column}: a group needs a name")
        if not isinstance(graw.get("rules") or [], list):
            o = doc.origin((*gkey, "rules"))
            raise InputError(f"{o.file}:{o.line}:{o.column}: rules must be a list of rules")
        group = Group(name=graw["name"], interval=graw.get("interval"), origin=doc.origin(gkey))
        for ri, rraw in enumerate(graw.get("rules") or []):
            group.rules.append(_rule_from_yaml(doc, (*gkey, "rules", ri), rraw))
        groups.append(group)
    check_loadable(doc, base)
    return groups


def _rule_from_yaml(doc: YamlDoc, key: tuple[Any, ...], raw: Any) -> Alert | Record:
    raw = _mapping(doc, key, raw, "a rule")
    for name in raw:
        if name not in RULE_KEYS:
            o = doc.origin((*key, name), of_key=True)
            raise InputError(f"{o.file}:{o.line}:{o.column}: unknown rule field {name!r}")
    where = doc.origin(key)
    if ("alert" in raw) == ("record" in raw):
        raise InputError(f"{where.file}:{where.line}:{where.column}: a rule needs exactly one of alert or record")
    if not isinstance(raw.get("expr"), str | int | float) or raw.get("expr") in ("", None):
        raise InputError(f"{where.file}:{where.line}:{where.column}: a rule needs an expr")
    fields = {"expr": doc.origin((*key, "expr")), "name": doc.origin((*key, "alert" if "alert" in raw else "record"))}
    for section in ("labels", "annotations"):
        _strings(doc, (*key, section), raw.get(section), section)  # a mapping, or a located error
        for label in raw.get(section) or {}:
            fields[f"{section}.{label}"] = doc.origin((*key, section, label))
    if "for" in raw:
        fields["for"] = doc.origin((*key, "for"))
    labels = _strings(doc, (*key, "labels"), raw.get("labels"), "labels")
    if "alert" in raw:
        rule: Alert | Record = Alert(
            name=str(raw["alert"]), expr=str(raw["expr"]), for_=raw.get("for"),
            labels=labels, annotations=_strings(doc, (*key, "annotations"), raw.get("annotations"), "annotations"),
            keep_firing_for=raw.get("keep_firing_for"), origin=where, fields=fields, key=key,
        )
    else:
        rule = Record(name=str(raw["record"]), expr=str(raw["expr"]), labels=labels, origin=where, fields=fields,
                      key=key)
    return rule


def load_rules_py(path: Path) -> RuleSet:
    """Run a ``*.rules.py`` file and take its ``groups`` list."""
    try:
        namespace = runpy.run_path(str(path))
    except SyntaxError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.offset}: Python syntax error: {exc.msg}") from None
    except SystemExit as exc:  # a rules file must not end the whole run
        raise InputError(f"{path}: the rules file called sys.exit({exc.code!r}); it must only define groups") \
            from None
    except Exception as exc:  # the user's code failed: say where, not a traceback
        raise InputError(f"{path}: running the rules file failed: {type(exc).__name__}: {exc}") from None
    groups = namespace.get("groups")
    if not isinstance(groups, list) or not all(isinstance(g, Group) for g in groups):
        raise InputError(f"{path}: expected a module-level `groups` list of obskit.alerts.model.Group")
    lines = path.read_text(encoding="utf-8").splitlines()
    for group in groups:
        for rule in group.rules:
            _locate_keywords(rule, lines, str(path))
    return RuleSet(str(path), "rules-py", groups, lines)


_KEYWORDS = {"name": "name", "expr": "expr", "for_": "for"}


def _locate_keywords(rule: Alert | Record, lines: list[str], path: str) -> None:
    """Point a rule's fields at their `expr=` / `name=` lines inside the `Alert(...)` call that built it."""
    if rule.origin is None or rule.origin.file != path or not rule.origin.line:
        return
    for number in range(rule.origin.line, min(len(lines), rule.origin.line + 40) + 1):
        text = lines[number - 1]
        if number > rule.origin.line and ("Alert(" in text or "Record(" in text):
            break
        for keyword, field_name in _KEYWORDS.items():
            match = re.search(rf"\b{keyword}\s*=\s*", text)
            if match and field_name not in rule.fields:
                rule.fields[field_name] = Origin(path, number, match.end() + 1, text)


def load_source(path: Path, windows_dirs: list[Path] | None = None) -> RuleSet | None:
    """Load one source file into a RuleSet; None for files that are not rule sources (tests, windows)."""
    if path.name.endswith(".rules.py"):
        return load_rules_py(path)
    if path.suffix not in (".yaml", ".yml"):
        raise InputError(f"{path}: not a rule source (expected *.yaml, *.yml or *.rules.py)")
    docs = load_yaml_all(path)
    if len(docs) > 1:
        return _load_openslo_stream(path, docs, windows_dirs)
    doc = docs[0]
    kind = classify(doc)
    if kind == "rules-yaml":
        return RuleSet(str(path), kind, groups_from_yaml(doc), doc.lines, doc)
    if kind == "prometheusrule":
        return RuleSet(str(path), kind, groups_from_yaml(doc, ("spec",)), doc.lines, doc)
    if kind in ("sloth", "openslo"):
        from obskit.alerts.slo import generate
        from obskit.alerts.slospec import parse_spec

        slos = parse_spec(doc)
        return RuleSet(str(path), "slo", generate(slos, windows_dirs=windows_dirs), doc.lines)
    if kind in ("promtool-test", "windows"):
        return None
    raise InputError(f"{path}:1:1: not a rule file: expected `groups:`, a PrometheusRule, "
                     "a Sloth prometheus/v1 spec or an OpenSLO v1 SLO")


def _load_openslo_stream(path: Path, docs: list[YamlDoc], windows_dirs: list[Path] | None) -> RuleSet:
    """A multi-document OpenSLO file: every ``kind: SLO`` becomes rules; ``kind: Service`` carries none."""
    from obskit.alerts.slo import generate
    from obskit.alerts.slospec import parse_spec

    slos = []
    for doc in docs:
        data = doc.data if isinstance(doc.data, dict) else {}
        o = doc.origin(())
        if classify(doc) != "openslo":
            raise InputError(f"{o.file}:{o.line}:{o.column}: multi-document files are read for OpenSLO only; "
                             "put rule files and Sloth specs in one document per file")
        if data.get("kind") == "Service":
            continue
        if data.get("kind") != "SLO":
            raise InputError(f"{o.file}:{o.line}:{o.column}: OpenSLO kind {data.get('kind')!r} is not supported "
                             "(supported: SLO with an inline indicator, and Service)")
        slos.extend(parse_spec(doc))
    return RuleSet(str(path), "slo", generate(slos, windows_dirs=windows_dirs), docs[0].lines)


def load_all(paths: Iterable[Path], windows_dirs: list[Path] | None = None) -> list[RuleSet]:
    sets = []
    for path in discover(paths):
        with reading(path, "rule file or SLO spec"):
            ruleset = load_source(path, windows_dirs)
        if ruleset is not None:
            sets.append(ruleset)
    return sets


def windows_dirs(paths: Iterable[Path]) -> list[Path]:
    """Project burn-rate catalogues: ``<dir>/windows`` for every directory given (e.g. ``alerts/windows``)."""
    return [p / "windows" for p in paths if p.is_dir() and (p / "windows").is_dir()]
