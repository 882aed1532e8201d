from hypothesis import given, settings
from hypothesis import strategies as st

from obskit.dashboards import promql
from obskit.dashboards.lint.promql_syntax import PromqlSyntaxCheck
from obskit.dashboards.lint.rate_window import RateWindowCheck
from obskit.lint import Severity
from tests.dashboard_factory import as_json_dashboard, dashboard_data, panel, run


def one(expr: str) -> list:
    return [as_json_dashboard(dashboard_data(panels=[panel(expr=expr)]))]


def test_macros_and_variables_parse() -> None:
    expr = ('sum by (${group}) (rate(http_requests_total{job="$job", ns=~"${ns:regex}"}[$__rate_interval])) '
            '/ $__range_s + increase(x[$__range]) + rate(y[$window])')
    assert run(PromqlSyntaxCheck, one(expr)) == []


def test_syntax_error_reports_panel_and_line() -> None:
    [problem] = run(PromqlSyntaxCheck, one("sum(rate(x[5m])"))
    assert "does not parse" in problem.message and "unclosed left parenthesis" in problem.message
    assert problem.line is not None and problem.context == 'panel "Requests" (id 1)'


def test_syntax_error_position_is_mapped_back_past_macros_and_variables() -> None:
    # the error sits after a macro and a variable whose placeholders have other lengths than the text
    expr = 'sum(rate(x{job="$job"}[$__rate_interval])) by (a) +'
    [problem] = run(PromqlSyntaxCheck, one(expr))
    assert f"does not parse: 1:{len(expr) + 1}: parse error: unexpected end of input: {expr}" in problem.message
    multi = 'sum(rate(x[$__rate_interval]))\n  / sum(y{job="$job"}) bar'
    [problem] = run(PromqlSyntaxCheck, one(multi))
    assert '2:24: parse error: unexpected identifier "bar"' in problem.message  # as written, not substituted


def test_offsets_inside_a_placeholder_map_to_the_macro() -> None:
    text, back = promql.substitute_mapped("rate(x[$__interval]) $a")
    assert text == f"rate(x[{promql.INTERVAL_SECONDS}s]) {promql.VARIABLE_VALUE}"
    assert back(text.index("4243") + 2) == 7 and back(len(text)) == len("rate(x[$__interval]) $a")
    assert back(text.index(promql.VARIABLE_VALUE)) == len("rate(x[$__interval]) ")


def test_loki_expr_is_not_promql() -> None:
    p = panel(expr='{app="x"} |= "error"')
    p["datasource"] = {"type": "loki", "uid": "${datasource}"}
    assert run(PromqlSyntaxCheck, [as_json_dashboard(dashboard_data(panels=[p]))]) == []


def test_rate_window_good() -> None:
    assert run(RateWindowCheck, one("rate(x[$__rate_interval]) + increase(y[1m])")) == []


def test_rate_window_too_short() -> None:
    [problem] = run(RateWindowCheck, one("rate(x[20s])"))
    assert "20s is shorter than 2x the 30s scrape interval (60s)" in problem.message
    assert run(RateWindowCheck, one("rate(x[20s])"), scrape_interval_seconds=10) == []


def test_rate_over_interval_is_warning() -> None:
    [problem] = run(RateWindowCheck, one("irate(x[$__interval])"))
    assert problem.severity is Severity.warning and "$__rate_interval" in problem.message


def test_selectors_and_quote() -> None:
    tree = promql.parse('rate(a{job="x", ns="$ns"}[5m]) / b')
    assert [s.promql() for s in promql.selectors(tree)] == ['a{job="x",ns="obskit_variable"}', "b{}"]
    assert promql.selectors(tree)[0].concrete().promql() == 'a{job="x"}'
    assert promql.quote('a"b\\c') == '"a\\"b\\\\c"'


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_quote_round_trips_through_the_parser(value: str) -> None:
    """Any service name placed in a matcher stays one string value: no PromQL injection."""
    tree = promql.parse(f"up{{job={promql.quote(value)}}}")
    [selector] = promql.selectors(tree)
    if "$" not in value:  # `$x` is a Grafana variable reference, substituted before parsing
        assert selector.matchers == (("job", "=", value),)
