"""PII per entity type in free text: the words of a text or mixed request decide what each entity type becomes."""

from __future__ import annotations

from privsynth.graphs.nodes.text_corpus import scrub_texts, text_policy

TEXTS = ["Call John Smith at john@acme.com about the refund.", "Write to anna@example.com, said Maria Lopez."]


def test_per_type_actions_override_the_default_inside_texts():
    out, summary = scrub_texts(TEXTS, "drop", seed=0, per_type={"PERSON": "keep", "EMAIL_ADDRESS": "mask"})
    assert "John Smith" in out[0] and "Maria Lopez" in out[1]  # names kept, as asked
    assert "john@acme.com" not in out[0] and "****@****.***" in out[0]  # emails masked: format only
    assert summary["replacements"]["EMAIL_ADDRESS"] == {"mask": 2}


def test_without_per_type_words_the_default_applies_to_every_type():
    out, _ = scrub_texts(TEXTS, "drop", seed=0)
    assert "<PERSON>" in out[0] and "<EMAIL_ADDRESS>" in out[0] and "John" not in out[0]
    kept, summary = scrub_texts(TEXTS, "keep", seed=0)
    assert kept == TEXTS and summary["entity_counts"].get("EMAIL_ADDRESS") == 2  # still counted


def test_drop_in_a_text_is_a_tag_and_column_keys_are_left_to_the_table():
    policy = text_policy("fake", {"us_ssn": "drop", "EMPLOYEE_ID": "hash"}, seed=0)
    assert policy.entities == {"US_SSN": "tag"} and policy.default == "fake" and not policy.uses_hash
