"""Planner benchmark: the offline reader on varied requests written for this benchmark, with expected plans.

Run::

    .venv/bin/python evals/planner_bench.py [--verbose] [--llm MODEL]

Each case is a sentence and the plan a careful reader would write down (``privsynth plan --json``'s fields;
an absent field has its default: ``modality`` tabular, ``generator`` aim / dp_text_lm, ``review`` false,
``pii_action`` drop (tag for a scrub), ``pii`` and ``conditions`` empty) or ``QUESTION`` when the request
must be answered with a question. A case is right when every contract field equals the expected one (a
question is right when the planner asks one). The sentences use different phrasing from issue 19's examples
and were written before the reader was measured on them; files do not exist, so no header is read. ``dev``
(:data:`CASES`) is the set the rules were then fixed on (general rules, one per part of a request, never a rule
for one sentence); ``heldout`` (:data:`HELD_OUT`) was written afterwards and measured once before any further
change. Prints the misses, the accuracy overall and per intent, and writes
``evals/results/planner_bench_<set>.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

QUESTION = {"question": True}

CASES: list[tuple[str, dict[str, Any]]] = [
    # synthesize: tables
    ("Create 5k fake customer records from crm/customers.csv at epsilon 2, hide the emails with asterisks",
     {"source": "crm/customers.csv", "rows": 5000, "epsilon": 2.0, "pii": {"EMAIL_ADDRESS": "mask"}}),
    ("I need a private copy of ./exports/loans.parquet with ε=0.8 and δ=1e-7; target column is default",
     {"source": "./exports/loans.parquet", "epsilon": 0.8, "delta": 1e-7, "target": "default"}),
    ("synthesize twenty thousand rows based on hr/staff.csv, epsilon three, hash the employee IDs",
     {"source": "hr/staff.csv", "rows": 20000, "epsilon": 3.0, "pii": {"EMPLOYEE_ID": "hash"}}),
    ("Generate 1e4 rows like sales.csv using mst with privacy budget 0.5",
     {"source": "sales.csv", "rows": 10000, "epsilon": 0.5, "generator": "mst"}),
    ("epsilon=1.5 rows=300 source=data/visits.csv target=readmitted",
     {"source": "data/visits.csv", "rows": 300, "epsilon": 1.5, "target": "readmitted"}),
    ("Please produce a synthetic version of 'Patient Data/records 2024.csv' with epsilon of two and predict "
     "the column \"length of stay\"",
     {"source": "Patient Data/records 2024.csv", "epsilon": 2.0, "target": "length of stay"}),
    ("make 2.5k rows from bank/txns.csv, eps 0.25, the column to predict is is_fraud",
     {"source": "bank/txns.csv", "rows": 2500, "epsilon": 0.25, "target": "is_fraud"}),
    ("same size as the original, from surveys/acs.csv with schema surveys/acs_dict.json at epsilon 10",
     {"source": "surveys/acs.csv", "epsilon": 10.0, "schema_path": "surveys/acs_dict.json"}),
    ("twice as many rows as in shop/orders.csv, epsilon 1", QUESTION),
    ("A DP dataset like clinic/intake.csv: epsilon half, replace phone numbers and emails with realistic fake "
     "values, keep the names",
     {"source": "clinic/intake.csv", "epsilon": 0.5,
      "pii": {"PHONE_NUMBER": "fake", "EMAIL_ADDRESS": "fake", "PERSON": "keep"}}),
    ("Synthesize 800 records resembling insurance.csv at epsilon 1 but only for customers in the northeast region",
     {"source": "insurance.csv", "rows": 800, "epsilon": 1.0, "conditions": {"region": "northeast"}}),
    ("give me 4000 rows of fraud=1 from cards/transactions.csv with epsilon 2",
     {"source": "cards/transactions.csv", "rows": 4000, "epsilon": 2.0, "conditions": {"fraud": 1}}),
    ("3,000 rows like people.csv, epsilon 1, delta 10^-6, drop the email and phone columns, dataset name "
     "census_pilot",
     {"source": "people.csv", "rows": 3000, "epsilon": 1.0, "delta": 1e-6, "dataset": "census_pilot",
      "pii": {"EMAIL_ADDRESS": "drop", "PHONE_NUMBER": "drop"}}),
    ("synthetic rows like telemetry.parquet, epsilon 0.1, use the dp_marginals generator and let me review "
     "before release",
     {"source": "telemetry.parquet", "epsilon": 0.1, "generator": "dp_marginals", "review": True}),
    ("Build a synthetic table from finance/q3.csv with an epsilon of 4, outcome variable churned, write the "
     "result to out/q3_synth.csv",
     {"source": "finance/q3.csv", "epsilon": 4.0, "target": "churned", "out": "out/q3_synth.csv"}),
    ("10k synthetic patients like ehr/patients.csv; privacy loss 1; mask SSNs and drop everything else",
     {"source": "ehr/patients.csv", "rows": 10000, "epsilon": 1.0, "pii": {"US_SSN": "mask"}}),
    ("generate one million rows like big/events.csv at epsilon 5",
     {"source": "big/events.csv", "rows": 1_000_000, "epsilon": 5.0}),
    ("Please synthesize students.csv with epsilon one and a half", {"source": "students.csv", "epsilon": 1.5}),
    ("1,200 rows like lab/results.csv at epsilon 0.75, label to predict: abnormal",
     {"source": "lab/results.csv", "rows": 1200, "epsilon": 0.75, "target": "abnormal"}),
    ("rows like a.csv with epsilon 1 and rows like b.csv with epsilon 2", QUESTION),
    ("Using aim, synthesize \"my folder/the data.csv\" at epsilon 2 with schema \"my folder/schema.json\"",
     {"source": "my folder/the data.csv", "epsilon": 2.0, "schema_path": "my folder/schema.json"}),
    ("2M rows like s3data/clicks.parquet with privacy budget of 8 and a delta of 1e-9",
     {"source": "s3data/clicks.parquet", "rows": 2_000_000, "epsilon": 8.0, "delta": 1e-9}),
    ("please generate 750 synthetic records from loans.csv, epsilon 1, where state is CA",
     {"source": "loans.csv", "rows": 750, "epsilon": 1.0, "conditions": {"state": "CA"}}),
    ("synthesize data/adult.csv at epsilon 2, target income, replace names with tags",
     {"source": "data/adult.csv", "epsilon": 2.0, "target": "income", "pii": {"PERSON": "tag"}}),
    ("create a synthetic copy of hospital/admissions.csv with epsilon=0.5 and no review, emails should be hashed",
     {"source": "hospital/admissions.csv", "epsilon": 0.5, "pii": {"EMAIL_ADDRESS": "hash"}}),
    ("Synthesize 400 rows like pets.csv, epsilon 1, target species, fake the phone numbers, keep pii otherwise",
     {"source": "pets.csv", "rows": 400, "epsilon": 1.0, "target": "species", "pii": {"PHONE_NUMBER": "fake"},
      "pii_action": "keep"}),
    ("Generate 5000 rows like census.csv with ε = 2, quick validation, call the dataset acs5",
     {"source": "census.csv", "rows": 5000, "epsilon": 2.0, "dataset": "acs5"}),
    ("I'd like 600 synthetic loan applicants similar to credit/apps.csv; spend a quarter of a unit of privacy "
     "budget; we want to predict approved",
     {"source": "credit/apps.csv", "rows": 600, "epsilon": 0.25, "target": "approved"}),
    # synthesize: text
    ("Synthesize 500 clinical notes from notes.csv column note_text at epsilon 8",
     {"source": "notes.csv", "modality": "text", "rows": 500, "epsilon": 8.0, "text_field": "note_text"}),
    ("generate synthetic support tickets like helpdesk/tickets.jsonl, text field is body, labels from priority, "
     "epsilon 4",
     {"source": "helpdesk/tickets.jsonl", "modality": "text", "epsilon": 4.0, "text_field": "body",
      "label_field": "priority"}),
    ("train a DP language model on reviews.jsonl (the text is in review_text) with epsilon 6 and make 2k new "
     "reviews",
     {"source": "reviews.jsonl", "modality": "text", "rows": 2000, "epsilon": 6.0, "text_field": "review_text"}),
    ("1000 synthetic messages from chats.jsonl, text column message, user-level privacy by user_id, epsilon 3",
     {"source": "chats.jsonl", "modality": "text", "rows": 1000, "epsilon": 3.0, "text_field": "message"}),
    ("synthetic free-text complaints like complaints.csv, field narrative, epsilon 2, conditioned on product",
     {"source": "complaints.csv", "modality": "text", "epsilon": 2.0, "text_field": "narrative",
      "label_field": "product"}),
    ("Make 300 synthetic emails like mail/inbox.jsonl at ε 5, text_field=content",
     {"source": "mail/inbox.jsonl", "modality": "text", "rows": 300, "epsilon": 5.0, "text_field": "content"}),
    # scrub only
    ("Only scrub personal info from support/tickets.csv, don't generate synthetic data",
     {"intent": "scrub", "source": "support/tickets.csv"}),
    ("Redact names and phone numbers in calls/transcripts.jsonl, field transcript, no synthesis needed",
     {"intent": "scrub", "source": "calls/transcripts.jsonl", "modality": "text", "text_field": "transcript",
      "pii": {"PERSON": "redact", "PHONE_NUMBER": "redact"}}),
    ("anonymize hr/employees.csv: hash the employee ids and mask the SSNs; don't make any synthetic rows",
     {"intent": "scrub", "source": "hr/employees.csv", "pii": {"EMPLOYEE_ID": "hash", "US_SSN": "mask"}}),
    ("De-identify clinic/notes.txt and save it to clinic/notes_clean.txt",
     {"intent": "scrub", "source": "clinic/notes.txt", "modality": "text", "out": "clinic/notes_clean.txt"}),
    ("strip PII out of crm.csv into crm_clean.csv, replace emails with fakes, don't synthesize",
     {"intent": "scrub", "source": "crm.csv", "out": "crm_clean.csv", "pii": {"EMAIL_ADDRESS": "fake"}}),
    ("Just scrub data/forms.parquet, keep the dates",
     {"intent": "scrub", "source": "data/forms.parquet", "pii": {"DATE_TIME": "keep"}}),
    ("clean up the PII in feedback.jsonl (text field comment) without generating anything, mask everything",
     {"intent": "scrub", "source": "feedback.jsonl", "modality": "text", "text_field": "comment",
      "pii_action": "mask"}),
    ("remove personal data from logs/app.csv only, no synthetic data",
     {"intent": "scrub", "source": "logs/app.csv", "pii_action": "drop"}),
    # budget questions
    ("how much privacy budget do I have left for patients?", {"intent": "budget", "dataset": "patients"}),
    ("What's the remaining epsilon on the clinic dataset?", {"intent": "budget", "dataset": "clinic"}),
    ("show the budget history", {"intent": "budget"}),
    ("how much epsilon has been spent on payroll so far", {"intent": "budget", "dataset": "payroll"}),
    ("list budgets for all datasets", {"intent": "budget"}),
    ("check the ledger for census", {"intent": "budget", "dataset": "census"}),
    ("how much budget is left on data/patients.csv?",
     {"intent": "budget", "dataset": "patients", "source": "data/patients.csv"}),
    # review answers
    ("approve run 20261201-101500-a1b2c3", {"intent": "review", "run_id": "20261201-101500-a1b2c3",
                                             "decision": "approve"}),
    ("please decline the latest run", {"intent": "review", "run_id": "last", "decision": "reject"}),
    ("go ahead and approve the pending run", {"intent": "review", "run_id": "last", "decision": "approve"}),
    ("reject run 20261130-090000-ffee01, the numbers look off",
     {"intent": "review", "run_id": "20261130-090000-ffee01", "decision": "reject"}),
    ("looks good, approve the most recent one", {"intent": "review", "run_id": "last", "decision": "approve"}),
    ("I approve run 20261202-120000-00aa11", {"intent": "review", "run_id": "20261202-120000-00aa11",
                                               "decision": "approve"}),
    # questions
    ("make synthetic data from sales.csv", QUESTION),
    ("synthesize 1000 rows at epsilon 1", QUESTION),
    ("rows like data.csv with epsilon 1 and epsilon 3", QUESTION),
    ("rows like data.csv at eps 0", QUESTION),
    ("synthesize x.csv, epsilon lots", QUESTION),
    ("hello there", QUESTION),
    ("rows like sales.csv, epsilon 2, delta 5", QUESTION),
    ("synthesize half as many rows as orders.csv at epsilon 1", QUESTION),
]

HELD_OUT: list[tuple[str, dict[str, Any]]] = [
    # written after the reader was fixed on CASES, measured once before any further change
    ("Could you whip up 12,500 synthetic rows modelled on warehouse/inventory.csv? Epsilon should be 0.6.",
     {"source": "warehouse/inventory.csv", "rows": 12500, "epsilon": 0.6}),
    ("epsilon: 2 | rows: 1k | file: logs/access.csv | target: status_code",
     {"source": "logs/access.csv", "rows": 1000, "epsilon": 2.0, "target": "status_code"}),
    ("synth ./data/claims_2023.csv w/ eps=1.2, delta=1e-5, keep the names but fake the addresses",
     {"source": "./data/claims_2023.csv", "epsilon": 1.2, "delta": 1e-5,
      "pii": {"PERSON": "keep", "ADDRESS": "fake"}}),
    ("Generate fifty thousand synthetic transactions like payments/tx.parquet at an epsilon of 0.3; outcome is "
     "chargeback",
     {"source": "payments/tx.parquet", "rows": 50000, "epsilon": 0.3, "target": "chargeback"}),
    ("Using dp_marginals, make 100 rows like tiny.csv, epsilon 9",
     {"source": "tiny.csv", "rows": 100, "epsilon": 9.0, "generator": "dp_marginals"}),
    ("make a differentially private twin of hr/people.csv (epsilon 1), predicting attrition",
     {"source": "hr/people.csv", "epsilon": 1.0, "target": "attrition"}),
    ("Produce synthetic data from retail/baskets.csv with a privacy budget of two; drop the phone numbers; mask "
     "credit card numbers",
     {"source": "retail/baskets.csv", "epsilon": 2.0, "pii": {"PHONE_NUMBER": "drop", "CREDIT_CARD": "mask"}}),
    ("200 rows like x.csv at epsilon 1 where segment=enterprise",
     {"source": "x.csv", "rows": 200, "epsilon": 1.0, "conditions": {"segment": "enterprise"}}),
    ("from sensors/readings.csv create 3e3 rows, ε ≤ 1", {"source": "sensors/readings.csv", "rows": 3000,
                                                          "epsilon": 1.0}),
    ("Please synthesize the table at /srv/data/members.csv with epsilon 4 and ask me before releasing",
     {"source": "/srv/data/members.csv", "epsilon": 4.0, "review": True}),
    ("rows like data/households.csv, epsilon 1.0, target column 'owns home'",
     {"source": "data/households.csv", "epsilon": 1.0, "target": "owns home"}),
    ("copy the shape of surveys/2022.csv into 7,000 synthetic respondents with epsilon 1.5 and schema "
     "surveys/2022.schema.json",
     {"source": "surveys/2022.csv", "rows": 7000, "epsilon": 1.5, "schema_path": "surveys/2022.schema.json"}),
    ("synthesize orders.csv with epsilon 1 and 2000 rows, and also epsilon 0.5", QUESTION),
    ("I want the same number of rows as crm/leads.csv, epsilon 3", {"source": "crm/leads.csv", "epsilon": 3.0}),
    ("three times the size of visits.csv at epsilon 2", QUESTION),
    ("A synthetic version of patients.csv, but just the ones in the west region, epsilon 2",
     {"source": "patients.csv", "epsilon": 2.0, "conditions": {"region": "west"}}),
    ("Fine-tune on support/chats.jsonl text column utterance and generate 400 synthetic chats, epsilon 7",
     {"source": "support/chats.jsonl", "modality": "text", "rows": 400, "epsilon": 7.0,
      "text_field": "utterance"}),
    ("synthetic product reviews like reviews.csv, the review text is in column body, rating is the label, "
     "epsilon 8",
     {"source": "reviews.csv", "modality": "text", "epsilon": 8.0, "text_field": "body", "label_field": "rating"}),
    ("generate 250 notes from ehr/notes.jsonl field note at eps 6",
     {"source": "ehr/notes.jsonl", "modality": "text", "rows": 250, "epsilon": 6.0, "text_field": "note"}),
    ("Synthesize texts from corpus.txt at epsilon 5", {"source": "corpus.txt", "modality": "text", "epsilon": 5.0}),
    ("Please redact all PII from intake/forms.csv - no synthetic data needed",
     {"intent": "scrub", "source": "intake/forms.csv", "pii_action": "redact"}),
    ("scrub only: hr/reviews.jsonl, text field feedback, fake the names",
     {"intent": "scrub", "source": "hr/reviews.jsonl", "modality": "text", "text_field": "feedback",
      "pii": {"PERSON": "fake"}}),
    ("mask the SSNs and phone numbers in benefits.csv and write the cleaned file to benefits_masked.csv; do not "
     "generate anything",
     {"intent": "scrub", "source": "benefits.csv", "out": "benefits_masked.csv",
      "pii": {"US_SSN": "mask", "PHONE_NUMBER": "mask"}}),
    ("de-identify tickets.jsonl (text in description), tag everything",
     {"intent": "scrub", "source": "tickets.jsonl", "modality": "text", "text_field": "description",
      "pii_action": "tag"}),
    ("anonymise staff.csv without synthesizing: hash employee numbers, drop emails",
     {"intent": "scrub", "source": "staff.csv", "pii": {"EMPLOYEE_ID": "hash", "EMAIL_ADDRESS": "drop"}}),
    ("What budget remains for the payroll dataset?", {"intent": "budget", "dataset": "payroll"}),
    ("how much of the epsilon cap have we used on census?", {"intent": "budget", "dataset": "census"}),
    ("privacy budget status for all datasets please", {"intent": "budget"}),
    ("Tell me what's been spent so far on clinic_a", {"intent": "budget", "dataset": "clinic_a"}),
    ("remaining budget?", {"intent": "budget"}),
    ("approve 20261203-080000-abcdef", {"intent": "review", "run_id": "20261203-080000-abcdef",
                                         "decision": "approve"}),
    ("sign off on the last run", {"intent": "review", "run_id": "last", "decision": "approve"}),
    ("nope, reject run 20261203-090000-123abc", {"intent": "review", "run_id": "20261203-090000-123abc",
                                                  "decision": "reject"}),
    ("turn down the pending one", {"intent": "review", "run_id": "last", "decision": "reject"}),
    ("synthesize something nice", QUESTION),
    ("make 500 rows like leads.csv", QUESTION),
    ("epsilon 1 please", QUESTION),
    ("rows like a.csv, b.csv, epsilon 1", QUESTION),
    ("rows like data.csv, epsilon -2", QUESTION),
    ("synthesize data.csv at epsilon 1 and epsilon 1.5", QUESTION),
]
HELD_OUT_2: list[tuple[str, dict[str, Any]]] = [
    # a second blind set, written after the held-out fixes, measured once before any further change
    ("Need roughly 8k private rows that look like marketing/leads_q4.csv. Budget: epsilon = 0.9.",
     {"source": "marketing/leads_q4.csv", "rows": 8000, "epsilon": 0.9}),
    ("Run AIM on data/admissions.parquet with epsilon 3 and target 'admitted'",
     {"source": "data/admissions.parquet", "epsilon": 3.0, "target": "admitted", "generator": "aim"}),
    ("synthesize 640 rows of C:/Users/ana/Documents/survey.csv at epsilon 1.25",
     {"source": "C:/Users/ana/Documents/survey.csv", "rows": 640, "epsilon": 1.25}),
    ("Produce a DP replica of bank/customers.csv -- epsilon two, delta one in a million",
     {"source": "bank/customers.csv", "epsilon": 2.0, "delta": 1e-6}),  # delta added after the blind run
    ("rows=250, eps=4, file=geo/cities.tsv", {"source": "geo/cities.tsv", "rows": 250, "epsilon": 4.0}),
    ("Make me 90 synthetic employees like hr/roster.csv with epsilon 2; the salary band is what we want to "
     "predict", {"source": "hr/roster.csv", "rows": 90, "epsilon": 2.0, "target": "salary band"}),
    ("synthetic data please: input retail/returns.csv, epsilon 0.5, output retail/returns_dp.csv",
     {"source": "retail/returns.csv", "epsilon": 0.5, "out": "retail/returns_dp.csv"}),
    ("Create 10 000 rows like ops/tickets.csv at ε=1", {"source": "ops/tickets.csv", "rows": 10000,
                                                        "epsilon": 1.0}),
    ("Use mst to build a synthetic copy of census/ma.csv, epsilon 10, with the data dictionary "
     "census/dictionary.json",
     {"source": "census/ma.csv", "epsilon": 10.0, "generator": "mst", "schema_path": "census/dictionary.json"}),
    ("1.5 million rows like web/sessions.parquet, epsilon 6", {"source": "web/sessions.parquet",
                                                               "rows": 1_500_000, "epsilon": 6.0}),
    ("synthesize loans.csv at epsilon 1 with default as the target and mask the account numbers",
     {"source": "loans.csv", "epsilon": 1.0, "target": "default", "pii": {"ACCOUNT_ID": "mask"}}),
    ("Generate 500 synthetic rows from trials/patients.csv at epsilon 2 - only patients whose arm is placebo",
     {"source": "trials/patients.csv", "rows": 500, "epsilon": 2.0, "conditions": {"arm": "placebo"}}),
    ("synthesize shop/orders.csv, epsilon 1, replace the customer names and street addresses with fake ones",
     {"source": "shop/orders.csv", "epsilon": 1.0, "pii": {"PERSON": "fake", "ADDRESS": "fake"}}),
    ("rows like clinic/visits.csv at epsilon 1, and I will review the output first",
     {"source": "clinic/visits.csv", "epsilon": 1.0, "review": True}),
    ("synthesize 300 rows like a.csv at epsilon 1.0 and delta 1e-6 and delta 1e-7", QUESTION),
    ("generate ten times as many rows as survey.csv with epsilon 1", QUESTION),
    ("Write 700 synthetic chat messages based on support/chat.jsonl (text key: msg) with epsilon 9",
     {"source": "support/chat.jsonl", "modality": "text", "rows": 700, "epsilon": 9.0, "text_field": "msg"}),
    ("synthetic clinical notes from ehr/discharge.csv, note text column is summary, condition on ward, eps 8",
     {"source": "ehr/discharge.csv", "modality": "text", "epsilon": 8.0, "text_field": "summary",
      "label_field": "ward"}),
    ("DP fine-tune on feedback/posts.jsonl, field post_body, epsilon 4, 1,000 synthetic posts",
     {"source": "feedback/posts.jsonl", "modality": "text", "rows": 1000, "epsilon": 4.0,
      "text_field": "post_body"}),
    ("scrub legal/contracts.jsonl, text field clause, replace names with placeholders, no generation",
     {"intent": "scrub", "source": "legal/contracts.jsonl", "modality": "text", "text_field": "clause",
      "pii": {"PERSON": "tag"}}),
    ("I only want PII removed from members.parquet; hash member ids, keep the cities",
     {"intent": "scrub", "source": "members.parquet", "pii": {"MEMBER_ID": "hash", "LOCATION": "keep"},
      "pii_action": "drop"}),
    ("Sanitize exports/users.csv -> exports/users_clean.csv, fake the emails, don't synthesize",
     {"intent": "scrub", "source": "exports/users.csv", "out": "exports/users_clean.csv",
      "pii": {"EMAIL_ADDRESS": "fake"}}),
    ("redact credit card numbers and IBANs in finance/notes.txt", {"intent": "scrub", "source": "finance/notes.txt",
                                                                  "modality": "text",
                                                                  "pii": {"CREDIT_CARD": "redact",
                                                                          "IBAN_CODE": "redact"}}),
    ("pseudonymize the names in crm/contacts.csv and nothing else, no synthetic data",
     {"intent": "scrub", "source": "crm/contacts.csv", "pii": {"PERSON": "fake"}}),
    ("What does the ledger say for the patients dataset?", {"intent": "budget", "dataset": "patients"}),
    ("how much budget have I got left", {"intent": "budget"}),
    ("budget history for clinic_b please", {"intent": "budget", "dataset": "clinic_b"}),
    ("Show remaining privacy budget on every dataset", {"intent": "budget"}),
    ("how much epsilon is still available for census_2020?", {"intent": "budget", "dataset": "census_2020"}),
    ("approve the waiting run", {"intent": "review", "run_id": "last", "decision": "approve"}),
    ("Reject 20261203-101010-0a0b0c please", {"intent": "review", "run_id": "20261203-101010-0a0b0c",
                                              "decision": "reject"}),
    ("cancel the last run", {"intent": "review", "run_id": "last", "decision": "reject"}),
    ("OK to release run 20261203-111111-fedcba", {"intent": "review", "run_id": "20261203-111111-fedcba",
                                                  "decision": "approve"}),
    ("can you make some synthetic data for me", QUESTION),
    ("synthesize payroll.csv", QUESTION),
    ("synthesize a.csv and b.csv at epsilon 1", QUESTION),
    ("rows like data.csv, epsilon 1e400", QUESTION),
    ("rows like data.csv with epsilon 1, but actually use epsilon 2", QUESTION),
    ("synthesize data.csv with half the rows at epsilon 1", QUESTION),
    ("rows like data.csv at epsilon 1, delta 0", QUESTION),
]
SETS = {"dev": CASES, "heldout": HELD_OUT, "heldout2": HELD_OUT_2, "all": CASES + HELD_OUT + HELD_OUT_2}

DEFAULTS: dict[str, Any] = {"intent": "synthesize", "modality": "tabular", "source": None, "rows": None,
                            "epsilon": None, "delta": None, "target": None, "text_field": None, "label_field": None,
                            "generator": None, "schema_path": None, "out": None, "review": False,
                            "pii_action": None, "pii": {}, "conditions": {}, "dataset": None, "run_id": None,
                            "decision": None}


def expected_fields(expected: dict[str, Any]) -> dict[str, Any]:
    """The expected plan with every default filled in for its intent."""
    full = {**DEFAULTS, **expected}
    if full["generator"] is None and full["intent"] == "synthesize":
        full["generator"] = "dp_text_lm" if full["modality"] == "text" else "aim"
    if full["pii_action"] is None and full["intent"] in ("synthesize", "scrub"):
        full["pii_action"] = "tag" if full["intent"] == "scrub" else "drop"
    from privsynth.agents.planner.plan import _INTENT_FIELDS

    return {k: v for k, v in full.items() if k in _INTENT_FIELDS[full["intent"]]}


def plan_fields(sentence: str, llm: str | None) -> dict[str, Any]:
    """What the planner makes of a sentence: its public fields (defaults filled in), or QUESTION."""
    from privsynth.agents.planner.plan import _INTENT_FIELDS
    from privsynth.agents.planner.planner import plan_request
    from privsynth.errors import PlanningError

    try:
        plan = plan_request(sentence, llm_model=llm)
    except PlanningError:
        return QUESTION
    values = plan.model_dump()
    return {k: values[k] for k in _INTENT_FIELDS[plan.intent]}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the misses and the accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every case")
    parser.add_argument("--llm", help="plan with this litellm model instead of offline")
    parser.add_argument("--set", choices=sorted(SETS), default="all",
                        help="dev (the cases the rules were fixed on), heldout / heldout2 (written after, each "
                             "measured once before further fixes) or all")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    right: dict[str, list[bool]] = defaultdict(list)
    fields_right = fields_total = 0
    misses = []
    start = time.perf_counter()
    for sentence, expected in SETS[args.set]:
        want = QUESTION if expected is QUESTION else expected_fields(expected)
        got = plan_fields(sentence, args.llm)
        group = "question" if expected is QUESTION else want["intent"]
        ok = got == want if want is QUESTION or got is QUESTION else all(got.get(k) == v for k, v in want.items())
        right[group].append(ok)
        if want is not QUESTION and got is not QUESTION:
            fields_right += sum(got.get(k) == v for k, v in want.items())
        elif want is QUESTION and got is QUESTION:
            fields_right += 1
        fields_total += 1 if want is QUESTION or got is QUESTION else len(want)
        if not ok:
            wrong = ("expected a question" if want is QUESTION else "asked a question" if got is QUESTION else
                     {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v})
            misses.append({"sentence": sentence, "wrong (got, expected)": wrong})
        if args.verbose:
            print(("ok   " if ok else "MISS ") + sentence)
    elapsed = time.perf_counter() - start
    for miss in misses:
        print(f"MISS {miss['sentence']}\n     {miss['wrong (got, expected)']}")
    total = sum(len(v) for v in right.values())
    correct = sum(sum(v) for v in right.values())
    print(f"\n{'group':12} {'right':>7}")
    for group, oks in sorted(right.items()):
        print(f"{group:12} {sum(oks):>3}/{len(oks):<3}")
    print(f"{'all':12} {correct:>3}/{total:<3} = {correct / total:.1%} of requests fully right; "
          f"{fields_right}/{fields_total} fields right; {elapsed / total * 1000:.1f} ms per request")
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"planner_bench_{args.set}.json").write_text(json.dumps(
        {"cases": total, "right": correct, "accuracy": correct / total, "fields_right": fields_right,
         "fields_total": fields_total, "per_group": {g: [sum(v), len(v)] for g, v in right.items()},
         "misses": misses, "llm": args.llm, "set": args.set}, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
