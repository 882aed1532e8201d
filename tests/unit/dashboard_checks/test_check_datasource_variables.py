from obskit.dashboards.lint.datasource import DatasourceCheck
from obskit.dashboards.lint.variables import VariablesCheck
from obskit.lint import Severity
from tests.dashboard_factory import as_json_dashboard, dashboard_data, panel, run


def test_datasource_variable_is_known() -> None:
    assert run(DatasourceCheck, [as_json_dashboard(dashboard_data())]) == []


def test_undefined_datasource_variable() -> None:
    data = dashboard_data(variables=[])
    [problem] = run(DatasourceCheck, [as_json_dashboard(data)])
    assert "$datasource, which is not defined" in problem.message


def test_literal_uid_needs_declaring() -> None:
    p = panel(datasource={"type": "prometheus", "uid": "P1809F7CD0C75ACF3"})
    p["datasource"] = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
    data = dashboard_data(panels=[p])
    [problem] = run(DatasourceCheck, [as_json_dashboard(data)])
    assert "'P1809F7CD0C75ACF3' is not known" in problem.message and problem.line is not None
    assert run(DatasourceCheck, [as_json_dashboard(data)], known_datasources={"P1809F7CD0C75ACF3"}) == []


def test_mixed_panel_needs_target_datasources() -> None:
    p = panel()
    p["datasource"] = {"type": "datasource", "uid": "-- Mixed --"}
    [problem] = run(DatasourceCheck, [as_json_dashboard(dashboard_data(panels=[p]))])
    assert "mixed-datasource" in problem.message


def test_variables_used_and_defined() -> None:
    data = dashboard_data(
        panels=[panel(expr='sum(rate(x{namespace=~"$namespace"}[$__rate_interval]))')],
        variables=[{"name": "datasource", "type": "datasource"},
                   {"name": "namespace", "type": "query", "query": "label_values(up, namespace)"}])
    assert run(VariablesCheck, [as_json_dashboard(data)]) == []


def test_undefined_variable_is_error_unused_is_warning() -> None:
    data = dashboard_data(
        panels=[panel(expr='sum(rate(x{pod=~"${pod:regex}"}[$__rate_interval]))')],
        variables=[{"name": "datasource", "type": "datasource"}, {"name": "cluster", "type": "custom"}])
    problems = run(VariablesCheck, [as_json_dashboard(data)])
    assert [(p.severity, p.message.split(" ")[0]) for p in problems] == [
        (Severity.error, "$pod"), (Severity.warning, "variable")]
    assert "'cluster' is defined but never used" in problems[1].message
    assert problems[0].context == 'panel "Requests" (id 1)'


def test_stack_uids_are_known_and_match_the_chart(repo_root) -> None:
    import re

    from obskit.dashboards.lint.base import STACK_DATASOURCE_UIDS

    template = (repo_root / "charts/obskit-stack/templates/grafana-datasources.yaml").read_text()
    assert set(re.findall(r"^\s+uid: (\S+)$", template, re.M)) == STACK_DATASOURCE_UIDS
    for uid in sorted(STACK_DATASOURCE_UIDS):
        p = panel()
        p["datasource"] = {"type": "prometheus", "uid": uid}
        assert run(DatasourceCheck, [as_json_dashboard(dashboard_data(panels=[p]))]) == []


def test_variable_used_only_as_a_query_interval_is_used() -> None:
    p = panel()
    p["targets"][0]["interval"] = "$interval"
    data = dashboard_data(panels=[p], variables=[{"name": "datasource", "type": "datasource"},
                                                 {"name": "interval", "type": "interval", "query": "1m,5m"}])
    assert run(VariablesCheck, [as_json_dashboard(data)]) == []
    p["targets"][0]["interval"] = ""
    [problem] = run(VariablesCheck, [as_json_dashboard(data)])
    assert "'interval' is defined but never used" in problem.message


def test_undefined_variable_is_located_at_its_use_not_inside_a_longer_name() -> None:
    data = dashboard_data(panels=[panel(expr='node_load1{instance="$node"}')],
                          variables=[{"name": "datasource", "type": "datasource"},
                                     {"name": "nodes", "type": "custom", "query": "a"}])
    dash = as_json_dashboard(data)
    problems = [p for p in run(VariablesCheck, [dash]) if "$node is used" in p.message]
    assert len(problems) == 1 and "$node" in (problems[0].source_line or "")
    assert '"nodes"' not in (problems[0].source_line or "")
