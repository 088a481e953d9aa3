"""A CLI that explains itself: every option says what it does and its default, every command has examples, and
the README's CLI section is what the parser accepts."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest
from conftest import REPO

from privsynth.cli import _parser
from privsynth.cli_budget import normalise_argv

COMMANDS = ("run", "synthesize", "budget", "review", "replay", "report", "generators", "scrub")
BUDGET_ACTIONS = ("show", "set", "alias", "recover")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _documented() -> list[tuple[str, argparse.ArgumentParser]]:
    commands = _subparsers(_parser())
    budget = _subparsers(commands["budget"])
    return ([(name, commands[name]) for name in COMMANDS]
            + [(f"budget {name}", budget[name]) for name in BUDGET_ACTIONS])


@pytest.mark.parametrize("name, parser", _documented(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_has_help_with_its_default_and_every_command_examples(name, parser):
    assert parser.epilog and "example" in parser.epilog, name
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        assert action.help, (name, action.dest)
        if action.option_strings:  # an option: its default, or that it is required
            assert re.search(r"default|required", action.help), (name, action.option_strings)


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Using it"):text.index("## Privacy model")]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("privsynth "):
                commands.append(line)
    return commands


def test_readme_cli_section_is_what_the_parser_accepts():
    commands = _readme_commands()
    assert {shlex.split(c)[1] for c in commands} >= set(COMMANDS) | {"--version"}
    for command in commands:
        if command == "privsynth --version":
            continue
        args = shlex.split(re.sub(r"\[[^\]]*\]", "", command))[1:]  # optional parts left out
        parsed = _parser().parse_args(normalise_argv(args))
        assert parsed.command == args[0], command
    budget = [c for c in commands if c.startswith("privsynth budget")]
    assert any(" set " in c for c in budget) and any(" alias " in c for c in budget)


def test_readme_epsilon_8_text_example_raises_the_default_cap_first():
    from privsynth.config import Settings

    text = (REPO / "README.md").read_text()
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S) if "--epsilon 8" in b)
    lines = [line.split("  #")[0].strip() for line in block.splitlines()]
    cap = next(i for i, line in enumerate(lines) if line.startswith("privsynth budget set"))
    run = next(i for i, line in enumerate(lines) if line.startswith("privsynth synthesize"))
    assert cap < run
    parsed = _parser().parse_args(normalise_argv(shlex.split(lines[cap])[1:]))
    assert parsed.epsilon >= 8 > Settings(home=REPO).default_cap_epsilon
    assert "the default cap is epsilon 3" in block
