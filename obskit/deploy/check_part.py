"""The `deploy` part of `obskit check`: lint the chart and render every profile offline, with the
tree's dashboards/ and alerts/ built in-process, and report broken promises."""

from __future__ import annotations

import tempfile
from pathlib import Path

from obskit.check import CheckOptions, PartResult
from obskit.deploy import bundle, chart
from obskit.deploy.profiles import profile_names
from obskit.deploy.stack import StackOptions, render_stack
from obskit.errors import ObskitError
from obskit.lint import Problem, Severity

CHART = "charts/obskit-stack"


def run(options: CheckOptions) -> PartResult:
    result = PartResult(name="deploy")
    for message in chart.lint({}):
        if message.severity == "error":
            result.problems.append(
                Problem("deploy/helm-lint", Severity.error, message.message, f"{CHART}/{message.path}"))
    rendered = 0
    complete = False
    with tempfile.TemporaryDirectory(prefix="obskit-check-deploy-") as tmp:
        # build the as-code tree once for every profile; when it does not build, the dashboards and
        # alerts parts already name each broken file, so say so once instead of per profile
        try:
            inputs = bundle.build_inputs(None, None, None, Path(tmp) / "build", options.root)
        except ObskitError:
            result.input_errors.append("not rendered: the as-code tree does not build (see the parts above)")
            result.summary = "skipped: the as-code tree does not build"
            return result
        for name in profile_names():
            stack_options = StackOptions(profile=name, tree_root=options.root, dashboards_dir=inputs.dashboards_dir,
                                         rules_dir=inputs.rules_dir, require_dependencies=False)
            try:
                stack = render_stack(stack_options, Path(tmp) / name)
            except ObskitError as exc:
                result.input_errors.append(f"profile {name}: {exc.message}")
                continue
            rendered += len(stack.rendering.manifests)
            complete = stack.complete
            profile_file = f"obskit/deploy/profiles/{name}.yaml"
            result.problems += [Problem("deploy/wiring", Severity.error, p, profile_file) for p in stack.problems]
            result.problems += [
                Problem("deploy/kubernetes-schema", Severity.error, f"{v.object}: {v.message}", profile_file,
                        context=f"Kubernetes {v.kubernetes_version}") for v in stack.violations]
    scope = "full stack" if complete else "obskit's templates only: dependency charts not available " \
        "(helm dependency build, or OBSKIT_CHARTS_DIR)"
    result.summary = (f"{len(profile_names())} profiles ({scope}), {rendered} objects rendered, "
                      f"{len(result.problems)} problems")
    return result
