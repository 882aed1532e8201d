"""alert/runbook-url: every alert links a runbook (`runbook_url` annotation, an http(s) URL)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity


class AlertRunbook(Check):
    id = "alert/runbook-url"
    severity = Severity.warning
    summary = "alerts have a runbook_url annotation that is a URL"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for rule in ruleset.alerts():
            url = rule.annotations.get("runbook_url")
            if url is None:
                yield self.problem(ruleset, rule, "alert has no runbook_url annotation; link the page that says "
                                   "what to do when it fires")
                continue
            parts = urlsplit(url.split("{{")[0] if "{{" in url else url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                yield self.problem(ruleset, rule, f"runbook_url {url!r} is not an http(s) URL",
                                   "annotations.runbook_url")
