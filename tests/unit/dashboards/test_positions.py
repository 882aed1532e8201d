"""Finding locations come from the parsed structure: a JSON parse that keeps positions, and the string
literals of a Python source's syntax tree; never the first line whose text contains a title."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from obskit.dashboards.model import load_file
from obskit.dashboards.positions import json_positions, walk

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@given(JSON, st.sampled_from([None, 1, 2]), st.booleans())
@settings(max_examples=200, deadline=None)
def test_every_value_is_found_where_it_starts(value: object, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    spots = json_positions(text)
    assert set(spots) == {path for path, _ in walk(value)}
    decoder = json.JSONDecoder()
    for path, item in walk(value):
        spot = spots[path]
        assert json.dumps(decoder.raw_decode(text, spot.value)[0]) == json.dumps(item)
        if spot.key is not None:
            assert decoder.raw_decode(text, spot.key)[0] == path[-1]


def test_a_later_duplicate_key_wins_as_in_json_loads() -> None:
    text = '{"a": 1, "a": [true]}'
    assert json.loads(text)["a"] == [True]
    assert text[json_positions(text)[("a",)].value] == "["


def _dashboard(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    [dash] = load_file(path)
    return dash


def test_a_panel_is_located_by_identity_not_by_its_title(tmp_path: Path) -> None:
    text = ('{"dashboard": {"uid": "u", "title": "Memory",\n'
            ' "panels": [{"id": 1, "title": "Memory Basic"},\n'
            '  {"title": "Memory",\n'
            '   "id": 1}]}, "meta": {}}\n')
    dash = _dashboard(tmp_path, "d.json", text)  # an API export: the dashboard sits under "dashboard"
    second = dash.data["panels"][1]
    assert dash.locate(second, key="id")[:2] == (4, 10)
    assert dash.locate(second)[:2] == (3, 14)  # its own title, inside the quotes
    assert dash.locate(key="uid")[:2] == (1, 24)


def test_a_needle_is_searched_inside_the_node_only(tmp_path: Path) -> None:
    text = ('{"uid": "u", "title": "t", "panels": [\n'
            ' {"id": 1, "title": "a", "targets": [{"expr": "rate(x[$__interval])"}]},\n'
            ' {"id": 2, "title": "b", "targets": [{"expr": "sum(rate(x[$__interval]))"}]}]}\n')
    dash = _dashboard(tmp_path, "d.json", text)
    line, column, source = dash.locate(dash.data["panels"][1], needle="$__interval")
    assert line == 3 and source is not None and source[column - 1:].startswith("$__interval")


def test_python_sources_match_whole_string_literals(tmp_path: Path) -> None:
    source = ('dashboard = {"uid": "p", "title": "Host", "panels": [\n'
              '    {"id": 1, "title": "Memory Basic"},\n'
              '    {"id": 1, "title": "Memory"},\n'
              ']}\n')
    dash = _dashboard(tmp_path, "p.dashboard.py", source)
    assert dash.locate(dash.data["panels"][1])[:2] == (3, 25)  # inside the quotes, as for JSON
