"""The `deploy` part of `obskit check`: lint the chart and render every profile offline, with the
tree's dashboards/ and alerts/ built in-process, and report broken promises."""

from __future__ import annotations

import tempfile
from pathlib import Path

from obskit.alerts.parts import slo_period
from obskit.check import CheckOptions, PartResult
from obskit.deploy import bundle, chart
from obskit.deploy.profiles import profile_names
from obskit.deploy.stack import StackOptions, render_stack
from obskit.errors import ObskitError
from obskit.lint import Problem, Severity

CHART = "charts/obskit-stack"


def run(options: CheckOptions) -> PartResult:
    result = PartResult(name="deploy")
    if not chart.CHART_DIR.is_dir():  # obskit installed from a wheel: the chart lives in the source tree only
        result.summary = (f"skipped: the {chart.CHART_DIR.name} chart is not installed with this obskit "
                          "(install obskit from a source checkout to render it)")
        return result
    for message in chart.lint({}):
        if message.severity == "error":
            result.problems.append(
                Problem("deploy/helm-lint", Severity.error, message.message, f"{CHART}/{message.path}"))
    rendered = 0
    failed: dict[str, list[str]] = {}  # render failure -> profiles
    complete = False
    with tempfile.TemporaryDirectory(prefix="obskit-check-deploy-") as tmp:
        # build the as-code tree once for every profile; when it does not build, the dashboards and
        # alerts parts already name each broken file, so say so once instead of per profile
        try:
            inputs = bundle.build_inputs(None, None, None, Path(tmp) / "build", options.root,
                                         slo_period(options.config))
        except ObskitError:
            # a finding, said once, not an input error of its own: the dashboards/alerts parts name the broken
            # file (exit 2 when it does not load; exit 1 for a lint finding, which must not become exit 2 here)
            result.problems.append(Problem("deploy/tree", Severity.error, "not rendered: the as-code tree does not "
                                           "build (see the parts above)", str(options.root)))
            result.summary = "skipped: the as-code tree does not build"
            return result
        for name in profile_names():
            stack_options = StackOptions(profile=name, tree_root=options.root, dashboards_dir=inputs.dashboards_dir,
                                         rules_dir=inputs.rules_dir, require_dependencies=False)
            try:
                stack = render_stack(stack_options, Path(tmp) / name)
            except ObskitError as exc:
                # the tree's content, not its loading, stopped the render (e.g. a dashboard without uid, which
                # the dashboards part reports as a finding): a finding here too, said once for all profiles
                message = exc.message.replace(str(Path(tmp) / "build" / "built-dashboards"),
                                              str(options.root / "dashboards"))
                failed.setdefault(message, []).append(name)
                continue
            rendered += len(stack.rendering.manifests)
            complete = stack.complete
            profile_file = f"obskit/deploy/profiles/{name}.yaml"
            result.problems += [Problem("deploy/wiring", Severity.error, p, profile_file) for p in stack.problems]
            result.problems += [
                Problem("deploy/kubernetes-schema", Severity.error, f"{v.object}: {v.message}", profile_file,
                        context=f"Kubernetes {v.kubernetes_version}") for v in stack.violations]
    for message, names in failed.items():
        result.problems.append(Problem("deploy/render", Severity.error, f"not rendered ({', '.join(names)}): "
                                       f"{message}", str(options.root)))
    scope = "full stack" if complete else "obskit's templates only: dependency charts not available " \
        "(helm dependency build, or OBSKIT_CHARTS_DIR)"
    result.summary = (f"{len(profile_names())} profiles ({scope}), {rendered} objects rendered, "
                      f"{len(result.problems)} problems")
    return result
