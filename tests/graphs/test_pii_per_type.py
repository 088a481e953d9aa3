"""PII per entity type in a synthesize run: the request's words decide what each personal-data column holds."""

from __future__ import annotations

import re

import privsynth
from tests.run_support import released


def test_per_type_words_decide_each_pii_column_of_the_synthetic_table(sample_csv, sample_schema):
    result = released(privsynth.run(f"300 rows like {sample_csv} with schema {sample_schema}, epsilon 1, mask the "
                                    "phone numbers, replace emails with realistic fakes, keep the names"))
    synthetic = result.synthetic
    assert "full_name" not in synthetic.columns  # keep: out of the model and the output, never a real name
    assert synthetic["email"].str.fullmatch(r"[^@\s]+@[^@\s]+\.\w+").all()  # fresh fakes of the type
    assert synthetic["phone"].map(lambda v: re.fullmatch(r"[*\W]+", v) is not None).all()  # masked: format only
    outcomes = {row["column"]: row["outcome"] for row in result.report["columns"]}
    assert "masked" in outcomes["phone"] and "fake" in outcomes["email"] and "kept out" in outcomes["full_name"]


def test_the_default_action_applies_to_the_types_the_request_does_not_name(sample_csv, sample_schema):
    result = released(privsynth.run(f"200 rows like {sample_csv} with schema {sample_schema}, epsilon 1, fake the "
                                    "PII, but drop the phone numbers"))
    assert "phone" not in result.synthetic.columns
    assert {"full_name", "email"} <= set(result.synthetic.columns)
