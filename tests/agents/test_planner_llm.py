"""LLM planning through litellm structured output, offline with ``mock_response``: every intent and field,
grounded in the sentence, and the offline reader when an answer is malformed or ungrounded."""

from __future__ import annotations

import json

import pytest

from privsynth.agents.planner import llm as planner_llm
from privsynth.agents.planner import parse as planner_parse
from privsynth.agents.planner.llm import PlanAnswer, PlannerFallbackWarning
from privsynth.agents.planner.parse import parse_offline
from privsynth.agents.planner.planner import plan_request
from privsynth.errors import PlanningError

MODEL = "openai/gpt-4o-mini"
REGISTRY = {"dp_marginals": "tabular", "mst": "tabular", "aim": "tabular", "dp_text_lm": "text"}



def _core(plan) -> dict:
    """A plan without ``why`` (the explanation plan_request adds to a synthesize plan)."""
    return plan.model_dump(exclude={"why"})


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner_parse, "known_generators", lambda: dict(REGISTRY))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # mock_response needs no key and no network


def _llm(sentence: str, answer: dict | str):
    return plan_request(sentence, llm_model=MODEL, mock_response=answer if isinstance(answer, str)
                        else json.dumps(answer))


def test_the_request_asks_for_the_plan_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    litellm = planner_llm._litellm()
    seen: dict = {}
    real = litellm.completion

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(litellm, "completion", spy)
    _llm("rows like data/x.csv, epsilon 1", {"source": "data/x.csv", "epsilon": 1})
    schema = seen["response_format"]["json_schema"]["schema"]
    assert seen["response_format"]["type"] == "json_schema"
    assert set(schema["properties"]) == set(PlanAnswer.model_fields)
    assert "intent" in seen["messages"][0]["content"] and seen["temperature"] == 0


@pytest.mark.parametrize(("sentence", "answer"), [
    ("scrub pii from desk/tickets.csv but don't synthesize anything; mask SSNs",
     {"intent": "scrub", "source": "desk/tickets.csv", "pii": {"US_SSN": "mask"}}),
    ("how much budget is left on patients?", {"intent": "budget", "dataset": "patients"}),
    ("reject the last run", {"intent": "review", "run_id": "last", "decision": "reject"}),
    ("approve run 20261125-164501-3fa2c1", {"intent": "review", "run_id": "20261125-164501-3fa2c1",
                                             "decision": "approve"}),
    ("4000 rows of fraud=1 like cards.csv at epsilon 2, predict column is fraud, hash the employee ids",
     {"source": "cards.csv", "rows": 4000, "epsilon": 2, "target": "fraud", "conditions": {"fraud": 1},
      "pii": {"EMPLOYEE_ID": "hash"}}),
    ("500 clinical notes from notes.csv column note_text at epsilon 8, half a million? no: 500",
     {"source": "notes.csv", "rows": 500, "epsilon": 8, "modality": "text", "text_field": "note_text"}),
])
def test_llm_plans_every_intent_like_the_offline_reader(sentence: str, answer: dict) -> None:
    with_llm = _llm(sentence, answer)
    assert with_llm.public_fields() == parse_offline(sentence).public_fields()


@pytest.mark.parametrize("answer", [
    {"source": "data/x.csv", "epsilon": 1, "target": "salary"},  # a column the sentence does not name
    {"source": "data/x.csv", "epsilon": 1, "rows": 5000},  # a row count it does not state
    {"source": "data/x.csv", "epsilon": 1, "pii": {"US_SSN": "mask"}},  # a PII type it does not name
    {"source": "data/x.csv", "epsilon": 1, "pii": {"PERSON": "hash"}},  # an action it does not ask for
    {"source": "data/x.csv", "epsilon": 1, "conditions": {"region": "west"}},
    {"source": "data/x.csv", "epsilon": 1, "generator": "mst"},
    {"source": "data/x.csv", "epsilon": 1, "review": True},
    {"intent": "review", "run_id": "20261125-164501-3fa2c1", "decision": "approve"},
    {"intent": "budget", "dataset": "x"},
    {"intent": "scrub", "source": "data/x.csv"},
    {"source": "data/x.csv", "epsilon": 1, "pii_action": "shred"},  # not an action at all
    {"source": "data/x.csv", "epsilon": 1, "pii_action": "mask"},  # not for synthetic data
    '{"source": "data/x.csv", "epsilon": 1',  # truncated JSON
])
def test_ungrounded_or_malformed_answers_fall_back_to_the_offline_reader(answer) -> None:
    sentence = "synthetic rows like data/x.csv, epsilon 1, drop names"
    with pytest.warns(PlannerFallbackWarning, match="planning offline"):
        plan = _llm(sentence, answer)
    assert _core(plan) == _core(parse_offline(sentence))


def test_numbers_in_words_and_multipliers_ground_the_llm_plan() -> None:
    plan = _llm("ten thousand rows like data/x.csv, epsilon one half", {"source": "data/x.csv", "rows": 10000,
                                                                      "epsilon": 0.5})
    assert (plan.rows, plan.epsilon) == (10_000, 0.5)


def test_a_column_the_header_lacks_is_a_question(tmp_path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("age,income\n30,1\n")
    with pytest.raises(PlanningError, match="'salary' is not a column"):
        _llm(f"rows like {table}, epsilon 1, target salary", {"source": str(table), "epsilon": 1,
                                                               "target": "salary"})


def test_the_llm_question_is_the_planner_question() -> None:
    with pytest.raises(PlanningError) as info:
        _llm("rows like data/x.csv at epsilon 1 or epsilon 2", {"question": "Which epsilon, 1 or 2?"})
    assert info.value.question == "Which epsilon, 1 or 2?"


def test_llm_entity_keys_are_written_as_the_offline_reader_writes_them() -> None:
    sentence = "rows like data/x.csv, epsilon 1, mask SSNs and hash the employee ids"
    plan = _llm(sentence, {"source": "data/x.csv", "epsilon": 1, "pii": {"SSN": "mask", "employee_id": "hash"}})
    assert plan.pii == parse_offline(sentence).pii == {"US_SSN": "mask", "EMPLOYEE_ID": "hash"}
