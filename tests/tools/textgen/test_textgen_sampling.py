"""Cleaning of generated texts: where one synthetic record ends."""

from __future__ import annotations

from privsynth.tools.textgen.corpus import prompt_for
from privsynth.tools.textgen.sampling import clean_generated


def test_text_is_cut_where_the_model_starts_the_next_record():
    rambling = " where is my new card?\n" + prompt_for("card_arrival") + " it never came"
    assert clean_generated(rambling) == "where is my new card?"
    assert clean_generated(" top up failed\n  Text: again") == "top up failed"


def test_multi_line_text_without_a_new_prompt_is_kept_on_one_line():
    assert clean_generated(" first line\nsecond   line\n") == "first line second line"
    assert clean_generated("The Text: field is empty") == "The Text: field is empty"  # not at a line start
    assert clean_generated("\nCategory: x\nText: y") == ""
