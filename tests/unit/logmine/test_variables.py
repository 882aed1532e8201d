"""Example values of template variables, read back from sample messages."""

from __future__ import annotations

from obskit.logmine.variables import example_values


def test_examples_per_wildcard_token_distinct_and_limited() -> None:
    tokens = "user <*> logged in from <*>".split()
    samples = ["user alice logged in from 10.0.0.1", "user bob logged in from 10.0.0.2",
               "user alice logged in from 10.0.0.3", "user carol logged in from 10.0.0.4",
               "user dave logged in from 10.0.0.5", "something else entirely"]
    assert example_values(tokens, samples, limit=3) == [
        {"token": 1, "examples": ["alice", "bob", "carol"]},
        {"token": 5, "examples": ["10.0.0.1", "10.0.0.2", "10.0.0.3"]},
    ]


def test_wildcards_inside_tokens_and_multi_token_values() -> None:
    tokens = ["(uid=<*>)", "took", "<*>"]
    assert example_values(tokens, ["(uid=0) took 5 ms"]) == [
        {"token": 0, "examples": ["0"]}, {"token": 2, "examples": ["5 ms"]}]


def test_no_wildcards_no_variables() -> None:
    assert example_values(["Pump", "Primed"], ["Pump Primed"]) == []


def test_many_wildcards_and_a_sample_that_does_not_match_stay_fast() -> None:
    tokens = ["a", "<*>"] * 15
    sample = " ".join(["a", "x y"] * 15) + " zz"  # another token count: the pattern is not tried
    assert example_values(tokens, [sample]) == [{"token": i, "examples": []} for i in range(1, 30, 2)]
