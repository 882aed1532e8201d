"""Which labels can a PromQL expression's result carry? A static walk of the promql_parser AST.

Used by the checks that compare a query with what its rule needs (``$labels.x`` in templates) and by
``promql/impossible``. The answer is a :class:`Labels`: either "any label of the input series, except
these" (a selector, ``without``) or "exactly these" (``by``, ``on()`` matching, ``absent()``, ``vector()``).
Follows Prometheus' evaluation rules (promql/engine.go semantics as documented in the querying docs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# functions whose result has no labels from their input
_NO_LABELS = {"vector", "time", "scalar", "pi", "minute", "hour", "day_of_month", "day_of_week", "day_of_year",
              "days_in_month", "month", "year"}
_ABSENT = {"absent", "absent_over_time"}
_COMPARISONS = {"==", "!=", ">", "<", ">=", "<="}


@dataclass(frozen=True)
class Labels:
    any: bool  # True: whatever the input series carry (minus `excluded`); False: exactly `names`
    names: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()

    def has(self, label: str) -> bool:
        return label not in self.excluded if self.any else label in self.names

    def describe(self) -> str:
        if self.any:
            return "all input labels" + (f" except {', '.join(sorted(self.excluded))}" if self.excluded else "")
        return ", ".join(sorted(self.names)) if self.names else "no labels"


ANY = Labels(True)
NONE = Labels(False)


def kind(node: Any) -> str:
    return type(node).__name__


def op_text(node: Any) -> str:
    return str(getattr(node, "op", "")).strip().lower()


def is_scalar(node: Any) -> bool:
    k = kind(node)
    if k in ("NumberLiteral", "StringLiteral"):
        return True
    if k in ("ParenExpr", "UnaryExpr"):
        return is_scalar(node.expr)
    if k == "Call":
        return node.func.name in ("scalar", "time", "pi") or node.func.name in _NO_LABELS and not node.args
    if k == "BinaryExpr":
        return is_scalar(node.lhs) and is_scalar(node.rhs)
    return False


def _absent_labels(node: Any) -> Labels:
    """absent(x{a="b"}) returns {a="b"}: its equality matchers, nothing else."""
    arg = node.args[0] if node.args else None
    selector = getattr(arg, "vector_selector", arg)
    names = set()
    for matcher in getattr(getattr(selector, "matchers", None), "matchers", []) or []:
        if str(matcher.op).endswith("Equal") and matcher.name != "__name__":
            names.add(matcher.name)
    return Labels(False, frozenset(names))


def _aggregate(node: Any) -> Labels:
    op = op_text(node)
    modifier = node.modifier
    if op in ("topk", "bottomk", "limitk", "limit_ratio"):
        return labels_of(node.expr)
    if modifier is None:
        result = NONE
    elif str(modifier.type).endswith("Without"):
        inner = labels_of(node.expr)
        if inner.any:
            result = Labels(True, excluded=inner.excluded | frozenset(modifier.labels))
        else:
            result = Labels(False, inner.names - frozenset(modifier.labels))
    else:
        result = Labels(False, frozenset(modifier.labels))
    if op == "count_values" and kind(node.param) == "StringLiteral":
        label = str(node.param.val) if hasattr(node.param, "val") else ""
        result = Labels(result.any, result.names | {label}, result.excluded - {label})
    return result


def _binary(node: Any) -> Labels:
    op = op_text(node)
    lhs, rhs = node.lhs, node.rhs
    if is_scalar(lhs):
        return labels_of(rhs)
    if is_scalar(rhs):
        return labels_of(lhs)
    left, right = labels_of(lhs), labels_of(rhs)
    if op == "or":
        if left.any or right.any:
            return Labels(True, excluded=left.excluded & right.excluded if left.any and right.any else
                          (left.excluded if left.any else right.excluded))
        return Labels(False, left.names | right.names)
    if op in ("and", "unless"):
        return left
    modifier = node.modifier
    card = str(getattr(modifier, "card", "")) if modifier is not None else ""
    matching = getattr(modifier, "matching", None) if modifier is not None else None
    extra = frozenset(getattr(modifier, "group_labels", None) or [])
    if card.endswith("ManyToOne"):
        return Labels(left.any, left.names | extra, left.excluded - extra)
    if card.endswith("OneToMany"):
        return Labels(right.any, right.names | extra, right.excluded - extra)
    if matching is not None and str(matching.type).endswith("Include"):  # on(...) one-to-one: only those
        return Labels(False, frozenset(matching.labels))
    if matching is not None:  # ignoring(...)
        ignored = frozenset(matching.labels)
        return Labels(left.any, left.names - ignored, left.excluded | ignored)
    return left


def labels_of(node: Any) -> Labels:
    """The labels the result of ``node`` may carry."""
    k = kind(node)
    if k in ("VectorSelector", "MatrixSelector"):
        return ANY
    if k in ("NumberLiteral", "StringLiteral"):
        return NONE
    if k in ("ParenExpr", "UnaryExpr", "SubqueryExpr"):
        return labels_of(node.expr)
    if k == "AggregateExpr":
        return _aggregate(node)
    if k == "BinaryExpr":
        return _binary(node)
    if k == "Call":
        name = node.func.name
        if name in _ABSENT:
            return _absent_labels(node)
        if name in _NO_LABELS:
            return NONE
        vectors = [a for a in node.args if not is_scalar(a) and kind(a) != "StringLiteral"]
        inner = labels_of(vectors[0]) if vectors else NONE
        if name in ("label_replace", "label_join") and len(node.args) > 1:
            dst = getattr(node.args[1], "val", None)
            if isinstance(dst, str):
                return Labels(inner.any, inner.names | {dst}, inner.excluded - {dst})
        if name in ("histogram_quantile", "histogram_fraction"):
            return Labels(inner.any, inner.names - {"le"}, inner.excluded | {"le"})
        return inner
    return ANY
