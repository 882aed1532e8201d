"""OpenSLO objects other documents refer to by name: ``SLI``, ``AlertPolicy``, ``AlertCondition``,
``AlertNotificationTarget``, ``DataSource``, ``Service``.

An SLO's ``indicatorRef``, ``alertPolicyRef``, ``conditionRef`` and ``targetRef`` name an object of the
same tree (any file, any document of a multi-document file). The index is built once per tree before
SLOs are parsed, so the order of files does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from obskit.alerts.yamlsource import YamlDoc
from obskit.errors import InputError

REFERABLE = ("SLI", "AlertPolicy", "AlertCondition", "AlertNotificationTarget", "DataSource", "Service")


@dataclass
class OpenSloIndex:
    objects: dict[tuple[str, str], YamlDoc] = field(default_factory=dict)  # (kind, metadata.name) -> document

    def add(self, doc: YamlDoc) -> None:
        data = doc.data if isinstance(doc.data, dict) else {}
        kind = data.get("kind")
        meta = data.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if kind not in REFERABLE or not isinstance(name, str):
            return
        first = self.objects.get((kind, name))
        if first is not None and first is not doc:
            o, f = doc.origin(("metadata", "name")), first.origin(("metadata", "name"))
            raise InputError(f"{o.file}:{o.line}:{o.column}: a second OpenSLO {kind} named {name!r} "
                             f"(the first is at {f.file}:{f.line})")
        self.objects[(kind, name)] = doc

    def get(self, kind: str, name: str, where: YamlDoc, key: tuple) -> YamlDoc:
        """The referenced document; an input error at the reference when it is not in the tree."""
        doc = self.objects.get((kind, name))
        if doc is None:
            known = sorted(n for k, n in self.objects if k == kind)
            o = where.origin(key)
            listed = f" (known: {', '.join(known)})" if known else ""
            raise InputError(f"{o.file}:{o.line}:{o.column}: no OpenSLO {kind} named {name!r} in the files "
                             f"checked{listed}; add a `kind: {kind}` document or inline it")
        return doc
