from obskit.dashboards.lint.uid import UidCheck
from obskit.dashboards.lint.uid_unique import UidUniqueCheck
from tests.dashboard_factory import as_json_dashboard, dashboard_data, run


def test_good_uid() -> None:
    assert run(UidCheck, [as_json_dashboard(dashboard_data(uid="svc-checkout_1"))]) == []


def test_missing_uid_names_file_and_line() -> None:
    data = dashboard_data()
    del data["uid"]
    [problem] = run(UidCheck, [as_json_dashboard(data, "x.json")])
    assert "no uid" in problem.message and problem.file == "x.json" and problem.line is not None


def test_long_uid() -> None:
    [problem] = run(UidCheck, [as_json_dashboard(dashboard_data(uid="a" * 41))])
    assert "41 characters" in problem.message


def test_bad_characters() -> None:
    [problem] = run(UidCheck, [as_json_dashboard(dashboard_data(uid="has space/slash"))])
    assert "outside [A-Za-z0-9_-]" in problem.message and problem.line == 2


def test_uid_unique_in_one_file() -> None:
    one = as_json_dashboard(dashboard_data(uid="same", title="A"), "gen.py")
    two = as_json_dashboard(dashboard_data(uid="same", title="B"), "gen.py")
    other = as_json_dashboard(dashboard_data(uid="different"), "gen.py")
    assert run(UidUniqueCheck, [one, other]) == []
    [problem] = run(UidUniqueCheck, [one, two])
    assert "'same'" in problem.message and '"B"' in problem.message
