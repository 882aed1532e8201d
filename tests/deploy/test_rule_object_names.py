"""PrometheusRule object names from `obskit alerts build` output read like the source, without stutter."""

from __future__ import annotations

import shutil
from pathlib import Path

from obskit.deploy.stack import render_stack
from tests.deploy.conftest import FIXTURES, sample_options


def test_built_rule_files_give_readable_object_names(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    source = (FIXTURES / "rules" / "stack.yaml").read_text()
    # the names `obskit alerts build` gives alerts/rules/orders.yaml and alerts/slos/checkout.yaml
    for name in ("rules-orders.rules.yaml", "slos-checkout.rules.yaml"):
        (rules / name).write_text(source.replace("name: ", f"name: {name[:5]}-", 1))
    stack = render_stack(sample_options("dev", rules_dir=rules), tmp_path / "work", validate=False)
    # ours only: the full render also holds kube-prometheus-stack's own rule objects
    names = sorted(m.name for m in stack.rendering.manifests
                   if m.kind == "PrometheusRule" and m.template.startswith("obskit-stack/templates/"))
    assert names == ["obskit-rules-orders", "obskit-rules-slos-checkout"]
    shutil.rmtree(tmp_path / "work")
