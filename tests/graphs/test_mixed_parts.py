"""Mixed tables without training anything: routing, the budget split, the labels and the text of each row.

Fast: no model, no data beyond a header-sized slice of the reviews file (for the planner) and the public schema.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dp_accounting import dp_event

from privsynth.agents.planner.mixed import split_options, to_mixed
from privsynth.agents.planner.plan import Plan
from privsynth.agents.planner.planner import plan_request
from privsynth.config import load_settings
from privsynth.errors import AccountingError, ConfigError, SchemaError
from privsynth.graphs.nodes.mixed_parts import MIXED_CPU_PRESET, MIXED_TEXT_DEFAULTS, mixed_parts, with_text_preset
from privsynth.graphs.nodes.mixed_text import write_texts
from privsynth.tools.data.schema import load_schema
from privsynth.tools.mixed.budget import (
    DEFAULT_TEXT_SHARE,
    check_composed,
    composed_event,
    fit_scale,
    split_budget,
)
from privsynth.tools.mixed.labels import LABEL_COLUMN, condition_columns, label_domain, row_labels, split_label
from privsynth.tools.textgen.generator import CPU_PRESET

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "evals" / "schemas" / "womens_clothing_reviews.schema.json"
COLUMNS = ["Unnamed: 0", "Clothing ID", "Age", "Title", "Review Text", "Rating", "Recommended IND",
           "Positive Feedback Count", "Division Name", "Department Name", "Class Name"]


@pytest.fixture
def reviews(tmp_path):
    """A two-row file with the reviews' header (the planner reads only the header and the schema)."""
    path = tmp_path / "reviews.csv"
    pd.DataFrame([[0, 1, 30, "t", "nice dress", 5, 1, 0, "General", "Dresses", "Dresses"]] * 2,
                 columns=COLUMNS).to_csv(path, index=False)
    return path


def _plan(source, **fields) -> Plan:
    return Plan(source=str(source), epsilon=8.0, delta=1e-6, schema_path=str(SCHEMA), text_field="Review Text",
                **fields)


def test_a_text_column_of_a_table_with_structured_columns_makes_a_mixed_plan(reviews):
    plan = to_mixed(_plan(reviews))
    assert (plan.modality, plan.generator) == ("mixed", "aim")
    assert to_mixed(_plan(reviews, generator="mst")).generator == "mst"  # a named table generator stays
    corpus = Plan(source=str(reviews), epsilon=1.0, text_field="Review Text")  # no schema: a text corpus
    assert to_mixed(corpus).modality == "text"


def test_the_planner_says_mixed_and_explains_both_generators(reviews):
    plan = plan_request(f"300 synthetic rows like {reviews} with schema {SCHEMA}, text column 'Review Text', "
                        "epsilon 8")
    assert plan.modality == "mixed" and plan.public_fields()["modality"] == "mixed"
    assert "'aim'" in plan.why and "'dp_text_lm'" in plan.why


def test_the_split_is_declared_from_public_parameters_only(reviews):
    schema = load_schema(SCHEMA)
    parts = mixed_parts(to_mixed(_plan(reviews, label_field="Department Name, Rating",
                                       generator_options={"text_share": 0.25, "text.epochs": 0.5, "key": "Rating"})),
                        schema)
    assert parts.split.table_epsilon == pytest.approx(6.0) and parts.split.text_epsilon == pytest.approx(2.0)
    assert parts.split.table_delta + parts.split.text_delta == pytest.approx(1e-6)
    assert parts.table.generator_options == {"key": "Rating"} and parts.text.generator_options == {"epochs": 0.5}
    assert "Review Text" in parts.table.drop_columns and "Title" in parts.table.drop_columns
    assert parts.text.label_field == LABEL_COLUMN and parts.conditions == ["Department Name", "Rating"]
    assert len(parts.labels) == 7 * 5  # six departments and 'missing' (the schema leaves it to DP), five ratings
    assert split_options({"text_share": 0.3, "budget_scale": 1.2, "text.epochs": 1, "rounds": 4}) == (
        {"rounds": 4}, {"epochs": 1}, 0.3)


def test_bad_splits_and_conditions_are_refused_before_anything_is_read(reviews):
    with pytest.raises(ConfigError):
        split_budget(8.0, 1e-6, 1.0)
    with pytest.raises(SchemaError):
        condition_columns(load_schema(SCHEMA), "Age")  # numeric: no public list of labels
    with pytest.raises(ConfigError):
        mixed_parts(to_mixed(_plan(reviews, user_field="Clothing ID")), load_schema(SCHEMA))


def test_the_fitted_scale_composes_within_the_request_and_uses_most_of_it():
    tried = []

    def composed(scale: float) -> float:  # as measured on the reviews: 5.18 at scale 1, 7.90 at 1.5
        tried.append(scale)
        return 5.18 * scale ** 1.04

    scale = fit_scale(composed, 8.0)
    assert 1.4 < scale and 0.98 * 8.0 <= composed(scale) <= 8.0
    assert len(tried) <= 5  # 1, then at most SCALE_TRIES secant steps (and the check above)
    assert fit_scale(lambda c: 9.0 * c, 8.0) == 1.0  # nothing better than basic composition: scale 1


def test_check_composed_refuses_a_composition_above_the_request():
    split = split_budget(1.0, 1e-6)
    loose = composed_event(dp_event.GaussianDpEvent(0.5), dp_event.GaussianDpEvent(0.5))
    with pytest.raises(AccountingError):
        check_composed(loose, split)
    assert check_composed(composed_event(dp_event.GaussianDpEvent(20.0), dp_event.GaussianDpEvent(20.0)),
                          split) <= 1.0


def test_labels_come_from_the_schema_and_read_back():
    schema = load_schema(SCHEMA)
    domain = label_domain(schema, ["Department Name", "Rating"])
    assert "Department Name: Dresses, Rating: 5" in domain and "Department Name: missing, Rating: 1" in domain
    frame = pd.DataFrame({"Department Name": ["Tops", None], "Rating": [4.0, 2]})
    labels = row_labels(frame, ["Department Name", "Rating"]).tolist()
    assert labels == ["Department Name: Tops, Rating: 4", "Department Name: missing, Rating: 2"]
    assert all(label in domain for label in labels)
    assert split_label(labels[0], ["Department Name", "Rating"]) == ["Tops", "4"]


class _EchoGenerator:
    """Stands in for the fitted text model: each text names the label it was sampled under."""

    def sample(self, n, conditions=None):
        label = (conditions or {}).get(LABEL_COLUMN)
        return pd.DataFrame({"Review Text": [f"{label} #{i}" for i in range(n)]})


def test_each_synthetic_row_gets_a_text_written_under_its_own_label(reviews):
    parts = mixed_parts(to_mixed(_plan(reviews, label_field="Department Name, Rating")), load_schema(SCHEMA))
    synthetic = pd.DataFrame({"Department Name": ["Tops", "Dresses", "Tops", "Jackets"],
                              "Rating": ["5", "1", "5", "3"]})
    labels = parts.label_of(synthetic)
    texts, info = write_texts(_EchoGenerator(), parts, labels)
    assert [t.rsplit(" #", 1)[0] for t in texts] == labels.tolist()
    assert info["texts_written"] == 4 and info["labels_sampled"] == 3 and not info["warnings"]


def test_on_a_cpu_the_mixed_text_preset_trains_longer_and_filters_by_label(reviews, tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    settings = load_settings(tmp_path)
    plan, preset = with_text_preset(to_mixed(_plan(reviews)), settings)
    assert preset == {**CPU_PRESET, **MIXED_TEXT_DEFAULTS, **MIXED_CPU_PRESET}
    assert {k: plan.generator_options[f"text.{k}"] for k in MIXED_CPU_PRESET} == MIXED_CPU_PRESET
    mine, preset = with_text_preset(to_mixed(_plan(reviews, generator_options={"text.label_filter": 1})), settings)
    assert "label_filter" not in preset and mine.generator_options["text.label_filter"] == 1  # the user's wins
    assert mixed_parts(plan, load_schema(SCHEMA)).split.text_share == DEFAULT_TEXT_SHARE == 0.7
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert with_text_preset(to_mixed(_plan(reviews)), settings)[1] == MIXED_TEXT_DEFAULTS  # no CPU preset on CUDA
