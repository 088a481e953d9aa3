"""The planner: offline parsing, clear questions instead of guesses, and LLM planning through litellm."""

from __future__ import annotations

import json

import pytest

from privsynth.agents.planner import parse as planner_parse
from privsynth.agents.planner import planner
from privsynth.agents.planner.plan import Plan
from privsynth.agents.planner.planner import PlannerFallbackWarning, parse_offline, plan_request
from privsynth.config import load_settings
from privsynth.errors import PlanningError

MODEL = "openai/gpt-4o-mini"
REGISTRY = {"dp_marginals": "tabular", "mst": "tabular", "aim": "tabular", "dp_lora_lm": "text"}
REAL_KNOWN_GENERATORS = planner_parse.known_generators



def _core(plan) -> dict:
    """A plan without ``why`` (the explanation plan_request adds to a synthesize plan)."""
    return plan.model_dump(exclude={"why"})


@pytest.fixture(autouse=True)
def _registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed registry, so these tests do not depend on which generators are installed."""
    monkeypatch.setattr(planner_parse, "known_generators", lambda: dict(REGISTRY))


def _plan(**fields) -> Plan:
    return Plan(**fields)


EXAMPLES = [
    ("2000 synthetic rows like privsynth/sample_data/adult_people.csv with schema "
     "privsynth/sample_data/adult_people.schema.json, epsilon 1, drop names, target income",
     _plan(source="privsynth/sample_data/adult_people.csv", rows=2000, epsilon=1.0,
           schema_path="privsynth/sample_data/adult_people.schema.json", pii_action="drop", target="income",
           pii={"PERSON": "drop"})),
    ("10,000 synthetic rows like data/patients.csv, epsilon 1, drop names",
     _plan(source="data/patients.csv", rows=10_000, epsilon=1.0, pii_action="drop", pii={"PERSON": "drop"})),
    ("make synthetic data from data/x.parquet with ε=0.5 and delta 1e-6 using generator dp_marginals, "
     "replace PII with fake values, dataset name clinic",
     _plan(source="data/x.parquet", epsilon=0.5, delta=1e-6, generator="dp_marginals", pii_action="fake",
           dataset="clinic")),
    ("synthesize 500 rows of ./a b/data.csv at epsilon 2 keep pii",
     _plan(source="./a b/data.csv", rows=500, epsilon=2.0, pii_action="keep")),
    ('synthesize "my data.csv" with an epsilon of 0.5, 10k rows, let me review, save to out/syn.csv, seed 7',
     _plan(source="my data.csv", rows=10_000, epsilon=0.5, review=True, out="out/syn.csv", seed=7)),
    ("synthetic text like tickets.jsonl, text field body, label field intent, epsilon 8",
     _plan(source="tickets.jsonl", modality="text", generator="dp_lora_lm", epsilon=8.0, text_field="body",
           label_field="intent")),
    ("with schema meta/s.json, 1.5k rows like d.csv, (ε, δ) = (1, 10^-6), predict salary, with dp_marginals "
     "generator, surrogate names, dataset called payroll",
     _plan(source="d.csv", rows=1500, epsilon=1.0, delta=1e-6, schema_path="meta/s.json", target="salary",
           pii={"PERSON": "fake"}, dataset="payroll", generator="dp_marginals")),
    ("use 'two words.parquet', privacy budget of 3, write to 'res dir/x.csv', no review, eps=3",
     _plan(source="two words.parquet", epsilon=3.0, out="res dir/x.csv", review=False)),
]


@pytest.mark.parametrize(("sentence", "expected"), EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_offline_parser_reads_every_field(sentence: str, expected: Plan) -> None:
    assert parse_offline(sentence).model_dump() == expected.model_dump()
    assert _core(plan_request(sentence)) == _core(expected)  # no LLM configured: offline


def test_defaults_when_the_request_says_little() -> None:
    plan = parse_offline("synthetic rows like data/x.csv, epsilon 1")
    assert (plan.rows, plan.delta, plan.pii_action, plan.generator, plan.modality, plan.seed, plan.review) == (
        None, None, "drop", "aim", "tabular", 0, False)


@pytest.mark.parametrize(("tail", "field", "value"), [
    ("output folder results/", "out", "results/"),
    ("out=runs/x.", "out", "runs/x"),
    ("save it to 'my dir'", "out", "my dir"),
    ("carry out the plan", "out", None),
    ("use dp_marginals", "generator", "dp_marginals"),
    ("with the dp_lora_lm model, text column body", "modality", "text"),
    ("delta 10**-5", "delta", 1e-5),
    ("epsilon one", "epsilon", 1.0),
    ("2M rows", "rows", 2_000_000),
    ("200 fake rows", "pii_action", "drop"),
    ("don't drop names", "pii", {"PERSON": "keep"}),
    ("skip review", "review", False),
    ("target is annual_income.", "target", "annual_income"),
])
def test_offline_parser_phrasings(tail: str, field: str, value: object) -> None:
    sentence = f"rows like data/x.csv, {tail}" + ("" if "epsilon" in tail else ", epsilon 1")
    assert getattr(parse_offline(sentence), field) == value


@pytest.mark.parametrize(("sentence", "words"), [
    ("rows like data/x.csv, epsilon 1,5", ["could not read", "1,5"]),
    ("rows like data/x.csv, epsilon infinity", ["could not read", "epsilon"]),
    ("10k synthetic rows, epsilon 1, drop names", ["which file"]),
    ("10,000 synthetic rows like data/patients.csv, drop names", ["never picks a privacy budget", "epsilon"]),
    ("10,000 synthetic rows like data/patients.csv, epsilon 0", ["positive", "epsilon"]),
    ("rows like data/patients.csv at epsilon -1", ["positive", "epsilon"]),
    ("rows like data/patients.csv with epsilon lots", ["could not read", "epsilon"]),
    ("rows like data/patients.csv with epsilon 1 and epsilon 2", ["several epsilons"]),
    ("rows like data/patients.csv, epsilon 1, delta 2", ["delta"]),
    ("rows like a.csv and b.csv, epsilon 1", ["several input files", "a.csv", "b.csv"]),
    ("rows like a.csv, epsilon 1, drop pii but keep pii", ["pii action"]),
    ("asdkjh qwe zzz!!", ["which file", "epsilon"]),
    ("", ["what should i synthesize"]),
    ("   ", ["what should i synthesize"]),
])
def test_unclear_requests_get_a_question(sentence: str, words: list[str]) -> None:
    with pytest.raises(PlanningError) as info:
        plan_request(sentence)
    question = info.value.question.lower()
    assert question.endswith("?") or "e.g." in question
    for word in words:
        assert word in question
    assert info.value.question in str(info.value) or not sentence.strip()


def test_unknown_generator_is_a_question() -> None:
    with pytest.raises(PlanningError) as info:
        plan_request("rows like a.csv, epsilon 1, using generator nope")
    assert "dp_marginals" in info.value.question


def test_llm_plan_equals_offline_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # mock_response needs no key and no network
    sentence = EXAMPLES[0][0]
    answer = {"source": "privsynth/sample_data/adult_people.csv", "rows": 2000, "epsilon": 1,
              "schema_path": "privsynth/sample_data/adult_people.schema.json", "pii_action": "drop",
              "target": "income", "delta": None, "dataset": None, "pii": {"PERSON": "drop"}}
    fenced = f"Here is the plan:\n```json\n{json.dumps(answer)}\n```"
    plan = plan_request(sentence, llm_model=MODEL, mock_response=fenced)
    assert _core(plan) == _core(parse_offline(sentence))


def test_llm_model_from_settings_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVSYNTH_LLM_MODEL", MODEL)
    settings = load_settings()
    assert planner.resolve_llm_model(settings) == MODEL
    assert planner.resolve_llm_model(None) == MODEL
    assert planner.resolve_llm_model(settings, "ollama/llama3") == "ollama/llama3"
    answer = json.dumps({"source": "data/patients.csv", "rows": 10000, "epsilon": 1.0})
    plan = plan_request("10,000 synthetic rows like data/patients.csv, epsilon 1", settings, mock_response=answer)
    assert _core(plan) == _core(Plan(source="data/patients.csv", rows=10_000, epsilon=1.0))


@pytest.mark.parametrize("answer", [
    "not json at all",
    json.dumps({"source": "data/patients.csv", "rows": 10000, "epsilon": -1}),
    json.dumps({"source": "data/patients.csv", "epsilon": 3}),  # epsilon the request does not state
    json.dumps({"source": "data/other.csv", "epsilon": 1}),  # a file the request does not name
    json.dumps({"source": "data/patients.csv", "epsilon": 1, "pii_action": "keep"}),
    json.dumps({"epsilon": 1}),
    "[1, 2]",
])
def test_malformed_llm_answer_falls_back_to_offline(answer: str) -> None:
    sentence = "10,000 synthetic rows like data/patients.csv, epsilon 1, drop names"
    with pytest.warns(PlannerFallbackWarning, match="planning offline"):
        plan = plan_request(sentence, llm_model=MODEL, mock_response=answer)
    assert _core(plan) == _core(parse_offline(sentence))


def test_fallback_still_asks_when_offline_cannot_read_it() -> None:
    with pytest.warns(PlannerFallbackWarning), pytest.raises(PlanningError) as info:
        plan_request("rows like data/patients.csv", llm_model=MODEL,
                     mock_response=json.dumps({"source": "data/patients.csv", "epsilon": 1}))
    assert "epsilon" in info.value.question


def test_llm_question_raises_planning_error() -> None:
    answer = json.dumps({"question": "Which file should I make synthetic data from?"})
    with pytest.raises(PlanningError) as info:
        plan_request("make me some data", llm_model=MODEL, mock_response=answer)
    assert info.value.question == "Which file should I make synthetic data from?"


def test_real_registry_when_it_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner_parse, "known_generators", REAL_KNOWN_GENERATORS)
    generators = planner_parse.known_generators()
    assert generators is not None and {"dp_marginals", "mst"} <= set(generators)
    assert parse_offline(EXAMPLES[2][0]).generator == "dp_marginals"
