"""Declared generator options (issue 15): one pydantic model per generator, validated once by the base class."""

from __future__ import annotations

import pytest

from privsynth.agents.options import describe_options, option_names
from privsynth.agents.registry import available_generators, get_generator
from privsynth.cli import main
from privsynth.errors import ConfigError


def test_every_builtin_generator_declares_its_options():
    for name in ("aim", "mst", "dp_marginals", "dp_text_lm"):
        cls = get_generator(name)
        assert cls.Options is not None, name
        rows = describe_options(cls.Options)
        assert rows and all(r["description"] for r in rows), name  # every option says what it does
    assert set(available_generators()) >= {"aim", "mst", "dp_marginals", "dp_text_lm"}


@pytest.mark.parametrize("name, bad, message", [
    ("aim", {"rounds": -1}, "rounds"), ("aim", {"shape": "wavy"}, "shape"), ("aim", {"herding": "yes"}, "herding"),
    ("mst", {"select_share": 1.5}, "select_share"), ("dp_marginals", {"bins": True}, "bins"),
    ("aim", {"not_an_option": 1}, "Unknown option"),
])
def test_a_bad_option_is_one_line_naming_it_and_the_fix(name, bad, message):
    with pytest.raises(ConfigError, match=message) as info:
        get_generator(name)(1.0, 1e-6, **bad)
    assert "\n" not in str(info.value) and info.value.fix and "privsynth generators --options" in info.value.fix


def test_the_schema_option_keeps_its_public_name():
    assert "schema" in option_names(get_generator("aim").Options)
    assert "public_schema" not in option_names(get_generator("aim").Options)


def test_cli_lists_a_generators_options(capsys):
    assert main(["generators", "--options", "aim"]) == 0
    printed = capsys.readouterr().out
    for name in option_names(get_generator("aim").Options):
        assert name in printed
    assert "default 0.05" in printed  # select_share
