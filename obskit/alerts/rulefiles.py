"""Find and load rule sources: Prometheus rule YAML, PrometheusRule objects, ``*.rules.py`` and SLO specs.

Every loader returns :class:`RuleSet` objects whose rules carry the file, line and column they were
written at, so lint diagnostics and promtool errors point at the user's file.
"""

from __future__ import annotations

import re
import runpy
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from obskit.alerts.model import Alert, Group, Origin, Record, RuleSet
from obskit.alerts.openslo_refs import REFERABLE, OpenSloIndex
from obskit.alerts.ruleload import check_loadable
from obskit.alerts.slo import generate
from obskit.alerts.slodocs import parse_spec
from obskit.alerts.sloth import K8S_KINDS
from obskit.alerts.yamlsource import YamlDoc, YamlStream, load_yaml_all
from obskit.errors import InputError
from obskit.inputguard import reading

RULE_KEYS = {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}
GROUP_KEYS = {"name", "interval", "rules", "limit", "query_offset"}


def classify(doc: YamlDoc) -> str:
    """What a YAML document is: rules-yaml, prometheusrule, sloth, openslo, promtool-test, windows, empty or
    unknown."""
    data = doc.data
    if data is None:
        return "empty"
    if not isinstance(data, dict):
        return "unknown"
    if data.get("kind") == "PrometheusRule":
        return "prometheusrule"
    if data.get("version") == "prometheus/v1" or data.get("kind") in K8S_KINDS:
        return "sloth"
    if str(data.get("apiVersion", "")).startswith("openslo/"):
        return "openslo"
    if "rule_files" in data or "tests" in data:
        return "promtool-test"
    if data.get("kind") in ("BurnRateWindows", "AlertWindows"):
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


def groups_from_yaml(doc: YamlDoc, base: tuple[Any, ...] = (), *, loadable: bool = True) -> list[Group]:
    """Build groups from a rule-file mapping found at ``base`` (``()`` or ``("spec",)``).

    ``loadable``: refuse, as an input error, what Prometheus' rule loader refuses (``ruleload``); the lint
    checks that report the same faults as findings (for rules written in Python) are tested with it off."""
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
        group = Group(name=graw["name"], interval=graw.get("interval"), origin=doc.origin(gkey))
        rules_raw = graw.get("rules") or []
        if not isinstance(rules_raw, list):
            o = doc.origin((*gkey, "rules"))
            raise InputError(f"{o.file}:{o.line}:{o.column}: rules must be a list of rules")
        for ri, rraw in enumerate(rules_raw):
            group.rules.append(_rule_from_yaml(doc, (*gkey, "rules", ri), rraw))
        groups.append(group)
    if loadable:
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
        values = _strings(doc, (*key, section), raw.get(section), section)  # a mapping, or an input error
        for label in values:
            fields[f"{section}.{label}"] = doc.origin((*key, section, label))
            fields[f"{section}.{label}:name"] = doc.origin((*key, section, label), of_key=True)
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


@dataclass
class SloContext:
    """What SLO documents need from the rest of the tree: catalogues, the default period, OpenSLO objects."""

    windows_dirs: list[Path] | None = None
    default_period: str = "30d"
    index: OpenSloIndex = field(default_factory=OpenSloIndex)


def _doc_groups(doc: YamlDoc, kind: str, ctx: SloContext) -> list[Group]:
    if kind == "rules-yaml":
        return groups_from_yaml(doc)
    if kind == "prometheusrule":
        return groups_from_yaml(doc, ("spec",))
    if kind == "openslo" and doc.data.get("kind") != "SLO":
        if doc.data.get("kind") in REFERABLE:
            return []  # SLI, AlertPolicy, Service, ...: referenced by SLOs, no rules of their own
        o = doc.origin(("kind",))
        raise InputError(f"{o.file}:{o.line}:{o.column}: OpenSLO kind {doc.data.get('kind')!r} is not supported "
                         f"(supported: SLO, and {', '.join(REFERABLE)} as referenced objects)")
    return generate(parse_spec(doc, ctx.index), windows_dirs=ctx.windows_dirs, default_period=ctx.default_period)


_SOURCE_KINDS = ("rules-yaml", "prometheusrule", "sloth", "openslo")


def load_source(path: Path, windows_dirs: list[Path] | None = None, default_period: str = "30d",
                ctx: SloContext | None = None, docs: list[YamlDoc] | None = None) -> RuleSet | None:
    """Load one source file into a RuleSet; None for files that are not rule sources (tests, windows).

    A file may hold several YAML documents (``---``): each is read on its own (rule files, PrometheusRule
    objects, Sloth specs and OpenSLO objects may be mixed); empty documents (a trailing ``---``) are skipped.
    """
    if path.name.endswith(".rules.py"):
        return load_rules_py(path)
    if path.suffix not in (".yaml", ".yml"):
        raise InputError(f"{path}: not a rule source (expected *.yaml, *.yml or *.rules.py)")
    ctx = ctx or SloContext(windows_dirs, default_period)
    docs = docs if docs is not None else load_yaml_all(path)
    kinds = [classify(doc) for doc in docs]
    if not any(kind in _SOURCE_KINDS for kind in kinds):
        if any(kind in ("promtool-test", "windows") for kind in kinds):
            return None
        if all(kind == "empty" for kind in kinds):
            raise InputError(f"{path}:1:1: empty file: expected rules or an SLO spec")
    for doc, kind in zip(docs, kinds, strict=True):
        if kind == "openslo":
            ctx.index.add(doc)
    groups: list[Group] = []
    slo = False
    for i, (doc, kind) in enumerate(zip(docs, kinds, strict=True)):
        if kind in ("empty", "promtool-test", "windows"):
            continue
        if kind == "unknown":
            o = doc.origin(())
            raise InputError(f"{o.file}:{o.line}:{o.column}: not a rule file: expected `groups:`, a PrometheusRule, "
                             "a Sloth prometheus/v1 spec or PrometheusServiceLevel, or an OpenSLO v1 document")
        doc_groups = _doc_groups(doc, kind, ctx)
        slo = slo or kind in ("sloth", "openslo")
        if len(docs) > 1:  # rule keys address their document: (document index, *path)
            for group in doc_groups:
                for rule in group.rules:
                    rule.key = (i, *rule.key) if rule.key is not None else None
        groups.extend(doc_groups)
    source_kinds = {k for k in kinds if k in _SOURCE_KINDS}
    kind = "slo" if slo else source_kinds.pop() if len(source_kinds) == 1 else "rules-yaml"
    doc = docs[0] if len(docs) == 1 else YamlStream(docs)
    return RuleSet(str(path), kind, groups, docs[0].lines, doc)


def tree_context(sources: list[Path], windows_dirs: list[Path] | None, default_period: str
                 ) -> tuple[SloContext, dict[Path, list[YamlDoc]]]:
    """Read every YAML source once and index its OpenSLO objects, so references work across files."""
    ctx = SloContext(windows_dirs, default_period)
    docs: dict[Path, list[YamlDoc]] = {}
    for path in sources:
        if path.suffix in (".yaml", ".yml"):
            with reading(path, "rule file or SLO spec"):
                docs[path] = load_yaml_all(path)
            for doc in docs[path]:
                if classify(doc) == "openslo":
                    ctx.index.add(doc)
    return ctx, docs


def load_all(paths: Iterable[Path], windows_dirs: list[Path] | None = None, default_period: str = "30d"
             ) -> list[RuleSet]:
    sources = discover(paths)
    ctx, docs = tree_context(sources, windows_dirs, default_period)
    sets = []
    for path in sources:
        with reading(path, "rule file or SLO spec"):
            ruleset = load_source(path, ctx=ctx, docs=docs.get(path))
        if ruleset is not None:
            sets.append(ruleset)
    return sets


def windows_dirs(paths: Iterable[Path]) -> list[Path]:
    """Project burn-rate catalogues: ``<dir>/windows`` for every directory given (e.g. ``alerts/windows``)."""
    return [p / "windows" for p in paths if p.is_dir() and (p / "windows").is_dir()]
