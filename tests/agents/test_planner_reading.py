"""Robust reading, part by part: numbers in words, counts, key=value, quoted names, folders, roles, conditions.

The sentences are written for these tests (issue 19's misses rephrased, not copied); each reader is also tested
alone, so a failure names the part of the request that was misread.
"""

from __future__ import annotations

import pytest

from privsynth.agents.planner import parse as planner_parse
from privsynth.agents.planner.numbers import numbers_in, words_to_digits
from privsynth.agents.planner.parse import parse_offline
from privsynth.agents.planner.pii_words import read_pii
from privsynth.errors import PlanningError

REGISTRY = {"dp_marginals": "tabular", "mst": "tabular", "aim": "tabular", "dp_text_lm": "text"}


@pytest.fixture(autouse=True)
def _registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner_parse, "known_generators", lambda: dict(REGISTRY))


@pytest.mark.parametrize(("text", "digits"), [
    ("epsilon one", "epsilon 1"),
    ("half a unit of privacy budget", "0.5 unit of privacy budget"),
    ("a quarter", "0.25"),
    ("one and a half", "1.5"),
    ("zero point two five", "0.25"),
    ("twenty-five thousand rows", "25000 rows"),
    ("a thousand records", "1000 records"),
    ("half a million rows", "500000 rows"),
    ("the most recent one", "the most recent one"),  # a pronoun, not a number
    ("data/one.csv and the one_hot column", "data/one.csv and the one_hot column"),
])
def test_number_words_become_digits(text: str, digits: str) -> None:
    assert words_to_digits(text) == digits


def test_numbers_in_reads_words_and_multipliers() -> None:
    assert numbers_in("10k rows at epsilon two, delta 1e-6") == [2.0, 1e-6, 10_000.0]


def _plan(tail: str, file: str = "data/x.csv"):
    return parse_offline(f"synthetic rows like {file}, {tail}")


@pytest.mark.parametrize(("tail", "field", "value"), [
    ("epsilon one", "epsilon", 1.0),
    ("spend half a unit of privacy budget", "epsilon", 0.5),
    ("eps should be 0.7", "epsilon", 0.7),
    ("a budget of 2 epsilon", "epsilon", 2.0),
    ("(1, 1e-7)-DP", "delta", 1e-7),
    ("epsilon 1, 10K rows", "rows", 10_000),
    ("epsilon 1, 2.5k rows", "rows", 2_500),
    ("epsilon 1, 1e6 rows", "rows", 1_000_000),
    ("epsilon 1, a hundred and twenty rows", "rows", 120),
    ("epsilon 1, the same size as the source", "rows", None),
    ("epsilon 1, number of rows: 640", "rows", 640),
    ("a quarter unit of privacy", "epsilon", 0.25),
    ("3 units of the privacy", "epsilon", 3.0),
    ("epsilon 1, wait for my review", "review", True),
    ("epsilon 1, hold until our sign-off", "review", True),
    ("epsilon 1, no human review", "review", False),
])
def test_numbers_as_people_write_them(tail: str, field: str, value: object) -> None:
    assert getattr(_plan(tail), field) == value


def test_key_value_style() -> None:
    plan = parse_offline("source=exports/q1/loans.csv epsilon=0.4 delta=1e-8 rows=900 target=defaulted "
                         "generator=mst dataset=loans_q1 review=true")
    assert (plan.source, plan.epsilon, plan.delta, plan.rows, plan.target, plan.generator, plan.dataset,
            plan.review) == ("exports/q1/loans.csv", 0.4, 1e-8, 900, "defaulted", "mst", "loans_q1", True)


@pytest.mark.parametrize(("tail", "target"), [
    ("epsilon 1, the prediction column is fraud", None),  # not a target phrase we read: no guess
    ("epsilon 1, predict column is fraud", "fraud"),
    ("epsilon 1, target column default", "default"),
    ("epsilon 1, the column to predict is 'is late'", "is late"),
    ("epsilon 1, use churned as the target", "churned"),
    ("epsilon 1, outcome variable: readmitted", "readmitted"),
    ("epsilon 1, predicting \"annual income\"", "annual income"),
])
def test_targets(tail: str, target: str | None) -> None:
    assert _plan(tail).target == target


def test_quoted_paths_with_folders_and_spaces() -> None:
    plan = parse_offline("synthesize 'Shared Drive/q3 exports/claims.csv' with schema \"meta/claims dict.json\", "
                         "epsilon 2, write it to 'out dir/claims synth.csv'")
    assert (plan.source, plan.schema_path, plan.out) == ("Shared Drive/q3 exports/claims.csv",
                                                         "meta/claims dict.json", "out dir/claims synth.csv")


def test_a_text_request_names_its_column_after_the_file() -> None:
    plan = parse_offline("make 300 synthetic discharge notes from ward/notes.csv column summary_text, epsilon 8")
    assert (plan.modality, plan.text_field, plan.generator, plan.rows) == ("text", "summary_text", "dp_text_lm",
                                                                           300)


def test_two_epsilons_are_a_question_never_a_guess() -> None:
    with pytest.raises(PlanningError, match="several epsilons"):
        parse_offline("rows like data/x.csv at epsilon 1, or maybe epsilon two")


def test_scaling_the_private_row_count_is_a_question() -> None:
    with pytest.raises(PlanningError, match="does not read to plan"):
        parse_offline("double the rows of data/x.csv, epsilon 1")


def test_the_header_grounds_column_names(tmp_path) -> None:
    table = tmp_path / "claims.csv"
    table.write_text("Claim ID,Is_Fraud,Region\n1,0,west\n")
    plan = parse_offline(f"rows like {table}, epsilon 1, target is fraud, only rows where region=west")
    assert (plan.target, plan.conditions) == ("Is_Fraud", {"Region": "west"})
    with pytest.raises(PlanningError, match="'amount' is not a column"):
        parse_offline(f"rows like {table}, epsilon 1, target amount")


@pytest.mark.parametrize(("request_tail", "conditions"), [
    ("epsilon 1, only the Fiber optic InternetService customers", {"InternetService": "Fiber optic"}),
    ("epsilon 1, just the Month-to-month Contract rows", {"Contract": "Month-to-month"}),
    ("epsilon 1, only the customers on a Month-to-month Contract", {"Contract": "Month-to-month"}),
    ("epsilon 1, only the senior customers", {}),
])
def test_a_value_of_several_words_before_its_header_column(tmp_path, request_tail: str, conditions: dict) -> None:
    table = tmp_path / "telco.csv"
    table.write_text("customerID,SeniorCitizen,InternetService,Contract,Churn\n1,0,DSL,One year,No\n")
    # the last: no header column after the words, so nothing is read as a condition
    assert parse_offline(f"1000 rows like {table}, {request_tail}").conditions == conditions


@pytest.mark.parametrize(("tail", "conditions"), [
    ("epsilon 1, 4000 rows of fraud=1", {"fraud": 1}),
    ("epsilon 1, only the customers in the northeast region", {"region": "northeast"}),
    ("epsilon 1, where plan is premium", {"plan": "premium"}),
    ("epsilon 1, only members on a Gold tier", {"tier": "Gold"}),
    ("epsilon 1, just the accounts with the premium plan", {"plan": "premium"}),
])
def test_conditions(tail: str, conditions: dict) -> None:
    assert _plan(tail).conditions == conditions


def test_an_unknown_assignment_is_a_question() -> None:
    with pytest.raises(PlanningError, match="frobnicate=3"):
        _plan("epsilon 1, frobnicate=3")


@pytest.mark.parametrize(("text", "default", "per_type"), [
    ("mask the social security numbers", None, {"US_SSN": "mask"}),
    ("hash every staff id", None, {"STAFF_ID": "hash"}),
    ("swap phone numbers and e-mail addresses for realistic fakes", None,
     {"PHONE_NUMBER": "fake", "EMAIL_ADDRESS": "fake"}),
    ("leave the names alone", None, {"PERSON": "keep"}),
    ("remove the email and phone columns", None, {"EMAIL_ADDRESS": "drop", "PHONE_NUMBER": "drop"}),
    ("dates of birth should be masked, drop all other PII", "drop", {"DATE_TIME": "mask"}),
    ("replace the names with tags", None, {"PERSON": "tag"}),
    ("don't remove the ages", None, {"AGE": "keep"}),
])
def test_pii_actions_per_entity_type(text: str, default: str | None, per_type: dict) -> None:
    words = read_pii(text)
    assert (words.default, words.per_type, words.questions) == (default, per_type, [])


def test_two_actions_on_one_type_is_a_question() -> None:
    with pytest.raises(PlanningError, match="two actions on PERSON"):
        _plan("epsilon 1, keep the names, hash the names")


def test_mask_is_not_a_default_for_synthetic_data() -> None:
    with pytest.raises(PlanningError, match="applies to scrubbing"):
        _plan("epsilon 1, mask all PII")


@pytest.mark.parametrize(("sentence", "intent"), [
    ("strip PII out of support/tickets.csv, no synthetic data please", "scrub"),
    ("mask the SSNs in hr/staff.csv", "scrub"),
    ("mask the SSNs in hr/staff.csv, 500 synthetic rows, epsilon 1", "synthesize"),
    ("what is left of the budget for patients?", "budget"),
    ("how much epsilon remains on clinic", "budget"),
    ("what's the epsilon balance of clinic", "budget"),
    ("turn down the pending run", "review"),
    ("ok, approve run 20261125-164501-3fa2c1", "review"),
])
def test_intents(sentence: str, intent: str) -> None:
    assert parse_offline(sentence).intent == intent


def test_review_fields() -> None:
    plan = parse_offline("please reject run 20261125-164501-3fa2c1")
    assert (plan.run_id, plan.decision) == ("20261125-164501-3fa2c1", "reject")
    assert parse_offline("accept the latest run").run_id == "last"
    with pytest.raises(PlanningError, match="approve or reject"):
        parse_offline("approve or reject the last run, whatever")
    for sentence, decision in (("fine, go ahead and approve it", "approve"), ("reject that.", "reject"),
                               ("approve", "approve")):
        plan = parse_offline(sentence)
        assert (plan.intent, plan.run_id, plan.decision) == ("review", "last", decision)
    assert parse_offline("approve it, then synthesize data/x.csv at epsilon 1").intent == "synthesize"


def test_rows_and_dataset_written_without_an_equals_sign() -> None:
    plan = parse_offline("data/x.csv -> synthetic, eps 1.2, rows 5000, the data set name is telco")
    assert (plan.rows, plan.dataset) == (5000, "telco")


def test_budget_fields() -> None:
    assert parse_offline("how much budget is left on the payroll dataset?").dataset == "payroll"
    assert parse_offline("show the budget of every dataset").dataset is None
    plan = parse_offline("remaining epsilon for data/patients.csv")
    assert (plan.dataset, plan.source) == ("patients", "data/patients.csv")


@pytest.mark.parametrize(("sentence", "generator", "words"), [
    ("rows like data/x.csv, epsilon 1", "aim", ["best measured fidelity", "override"]),
    ("rows like data/x.csv, epsilon 1, using mst", "mst", ["named in the request"]),
    ("300 synthetic notes like ward/notes.jsonl, text field body, epsilon 8", "dp_text_lm",
     ["text request", "DP-SGD"]),
])
def test_the_plan_says_why_it_chose_the_generator(sentence: str, generator: str, words: list[str]) -> None:
    from privsynth.agents.planner.planner import plan_request

    plan = plan_request(sentence)
    assert plan.generator == generator
    assert all(w in plan.why for w in words)
    assert "why" not in plan.public_fields()  # the --json contract keeps its listed fields


def test_rebalancing_without_the_class_is_a_question() -> None:
    with pytest.raises(PlanningError, match="which value of which column"):
        parse_offline("boost the minority class in data/t.csv to 4000 rows, epsilon 1")
    plan = parse_offline("oversample the rare class: 4000 rows of fraud=1 like data/t.csv, epsilon 1")
    assert (plan.rows, plan.conditions) == (4000, {"fraud": 1})


@pytest.mark.parametrize("tail", ["epsilon 2 or 3", "epsilon 1 to 2"])
def test_an_epsilon_offered_with_an_alternative_is_a_question(tail: str) -> None:
    with pytest.raises(PlanningError, match="several epsilons"):
        _plan(tail)


@pytest.mark.parametrize(("tail", "field", "value"), [
    ("epsilon 1/2", "epsilon", 0.5),
    ("epsilon 1, delta one in a million", "delta", 1e-6),
    ("epsilon 1, 10 000 rows", "rows", 10_000),
    ("epsilon 1, the text is in field text, 20 synthetic notes", "text_field", "text"),
])
def test_more_ways_to_write_values(tail: str, field: str, value: object) -> None:
    assert getattr(_plan(tail), field) == value


def test_more_than_one_run_is_a_question() -> None:
    with pytest.raises(PlanningError, match="more than one run"):
        _plan("epsilon 1, do it twice")


@pytest.mark.parametrize(("tail", "field", "value"), [
    ("epsilon 1, a 2500-row sample", "rows", 2500),
    ("epsilon 1, utility measured on readmitted", "target", "readmitted"),
])
def test_hyphenated_counts_and_utility_targets(tail: str, field: str, value: object) -> None:
    assert getattr(_plan(tail), field) == value


def test_a_pii_free_copy_is_a_scrub() -> None:
    assert parse_offline("make a PII-free copy of data/x.csv, nothing synthetic").intent == "scrub"


@pytest.mark.parametrize(("sentence", "modality"), [
    ("synthesize data/x.csv with epsilon 1 and replace emails with fakes", "tabular"),
    ("synthesize data/x.csv at epsilon 2, then mask phone numbers and hash emails", "tabular"),
    ("make 2k fake reviews from data/x.csv at epsilon 8", "text"),
    ("generate 300 synthetic support tickets from data/x.csv, epsilon 4", "text"),
])
def test_a_pii_phrase_after_a_number_is_not_a_text_request(sentence: str, modality: str) -> None:
    assert parse_offline(sentence).modality == modality


def test_a_text_column_named_bare_and_powers_of_ten_in_words(tmp_path) -> None:
    notes = tmp_path / "visits.csv"
    notes.write_text("visit_id,clinic,visit_note\n1,north,patient stable\n")
    plan = parse_offline(f"build a text dataset from {notes} using visit_note, epsilon 6")
    assert (plan.modality, plan.text_field) == ("text", "visit_note")
    assert _plan("an epsilon of 10 to the power of minus 1").epsilon == 0.1
    assert _plan("epsilon 1, delta ten to the power of minus seven").delta == 1e-7
