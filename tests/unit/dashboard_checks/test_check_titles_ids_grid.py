from obskit.dashboards.lint.grid_overlap import GridOverlapCheck
from obskit.dashboards.lint.panel_ids import PanelIdsCheck
from obskit.dashboards.lint.title_unique import TitleUniqueCheck
from tests.dashboard_factory import as_json_dashboard, dashboard_data, panel, run


def test_titles_unique_per_folder() -> None:
    a = as_json_dashboard(dashboard_data(uid="a", title="Same"), "a.json", folder="team")
    b = as_json_dashboard(dashboard_data(uid="b", title="Same"), "b.json", folder="team")
    c = as_json_dashboard(dashboard_data(uid="c", title="Same"), "c.json", folder="other")
    assert run(TitleUniqueCheck, [a, c]) == []
    [problem] = run(TitleUniqueCheck, [a, b])
    assert problem.file == "b.json" and "a.json" in problem.message and "'team'" in problem.message


def test_panel_ids_unique_including_collapsed_rows() -> None:
    good = dashboard_data(panels=[panel(1), {"id": 2, "type": "row", "title": "Row", "collapsed": True,
                                             "panels": [panel(3, "Inner")]}])
    assert run(PanelIdsCheck, [as_json_dashboard(good)]) == []
    bad = dashboard_data(panels=[panel(1), {"id": 2, "type": "row", "title": "Row", "collapsed": True,
                                            "panels": [panel(1, "Inner")]}])
    [problem] = run(PanelIdsCheck, [as_json_dashboard(bad)])
    assert "panel id 1" in problem.message and problem.context == 'panel "Inner" (id 1)'
    assert problem.line is not None


def test_missing_panel_id() -> None:
    p = panel()
    del p["id"]
    [problem] = run(PanelIdsCheck, [as_json_dashboard(dashboard_data(panels=[p]))])
    assert "no id" in problem.message


def test_grid_no_overlap() -> None:
    data = dashboard_data(panels=[panel(1, "Left", x=0, w=12), panel(2, "Right", x=12, w=12),
                                  panel(3, "Below", x=0, y=8, w=24)])
    assert run(GridOverlapCheck, [as_json_dashboard(data)]) == []


def test_grid_overlap_and_overflow() -> None:
    data = dashboard_data(panels=[panel(1, "Left", x=0, w=12), panel(2, "Overlapping", x=6, w=12),
                                  panel(3, "Too wide", x=20, y=20, w=8)])
    problems = run(GridOverlapCheck, [as_json_dashboard(data)])
    assert [p.context for p in problems] == ['panel "Overlapping" (id 2)', 'panel "Too wide" (id 3)']
    assert 'overlaps panel "Left" (id 1)' in problems[0].message
    assert "past column 24" in problems[1].message
