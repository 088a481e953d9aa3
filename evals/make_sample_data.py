"""Build the demo table bundled in privsynth/sample_data/ (run once; the output is committed).

Source: UCI Adult (``../shared/data/adult/adult.data``, CC BY 4.0, Becker & Kohavi 1996): the first
3,000 rows with no missing value, 10 of the 15 columns. Three PII columns are added with Faker
(seed 7): ``full_name``, ``email`` and ``phone``, so that PII handling shows in the demo. The names,
emails and phone numbers are fake; the other values are real public census-derived records.

The schema file next to it declares every domain from ``adult.names`` (public metadata), never from
the rows themselves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from faker import Faker

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "data" / "adult" / "adult.data"
OUT = ROOT / "privsynth" / "sample_data"
NAMES = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
         "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country",
         "income"]
KEEP = ["age", "workclass", "education", "marital_status", "occupation", "relationship", "race", "sex",
        "hours_per_week", "income"]
# Category lists as published in adult.names (public metadata).
CATEGORIES = {
    "workclass": ["Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov", "State-gov",
                  "Without-pay", "Never-worked"],
    "education": ["Bachelors", "Some-college", "11th", "HS-grad", "Prof-school", "Assoc-acdm", "Assoc-voc",
                  "9th", "7th-8th", "12th", "Masters", "1st-4th", "10th", "Doctorate", "5th-6th", "Preschool"],
    "marital_status": ["Married-civ-spouse", "Divorced", "Never-married", "Separated", "Widowed",
                       "Married-spouse-absent", "Married-AF-spouse"],
    "occupation": ["Tech-support", "Craft-repair", "Other-service", "Sales", "Exec-managerial",
                   "Prof-specialty", "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical",
                   "Farming-fishing", "Transport-moving", "Priv-house-serv", "Protective-serv", "Armed-Forces"],
    "relationship": ["Wife", "Own-child", "Husband", "Not-in-family", "Other-relative", "Unmarried"],
    "race": ["White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"],
    "sex": ["Female", "Male"],
    "income": [">50K", "<=50K"],
}


def main() -> None:
    """Write adult_people.csv and adult_people.schema.json."""
    df = pd.read_csv(SRC, names=NAMES, skipinitialspace=True, na_values="?").dropna()
    df = df[KEEP].head(3000).reset_index(drop=True)
    fake = Faker("en_US")
    Faker.seed(7)
    people = pd.DataFrame({
        "full_name": [fake.name() for _ in range(len(df))],
        "email": [fake.email() for _ in range(len(df))],
        "phone": [fake.phone_number() for _ in range(len(df))],
    })
    out = pd.concat([people, df], axis=1)
    OUT.mkdir(parents=True, exist_ok=True)
    out.to_csv(OUT / "adult_people.csv", index=False)
    columns = [
        {"name": "full_name", "kind": "pii", "pii_entity": "PERSON"},
        {"name": "email", "kind": "pii", "pii_entity": "EMAIL_ADDRESS"},
        {"name": "phone", "kind": "pii", "pii_entity": "PHONE_NUMBER"},
        {"name": "age", "kind": "numeric", "min": 17, "max": 90, "integer": True},
    ]
    for col in KEEP[1:]:
        if col == "hours_per_week":
            columns.append({"name": col, "kind": "numeric", "min": 1, "max": 99, "integer": True})
        else:
            columns.append({"name": col, "kind": "categorical", "categories": CATEGORIES[col]})
    schema = {"name": "adult_people", "columns": columns}
    (OUT / "adult_people.schema.json").write_text(json.dumps(schema, indent=2) + "\n")


if __name__ == "__main__":
    main()
