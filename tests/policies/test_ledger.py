"""The ledger: caps, append-only spends, concurrency across processes, durability across a crash."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from dp_accounting import dp_event

from privsynth.errors import BudgetExceededError, ConfigError
from privsynth.policies.accountant import epsilon_of
from privsynth.policies.ledger import Ledger


@pytest.fixture
def ledger(tmp_path):
    return Ledger(tmp_path / "ledger.sqlite", default_cap=(3.0, 1e-5))


def test_new_dataset_gets_default_cap_and_dry_run_spends_nothing(ledger):
    status = ledger.status("patients", "sha256:a", dp_event.GaussianDpEvent(3.0))
    assert status.is_new and status.cap_epsilon == 3.0 and status.spent_epsilon == 0.0
    assert status.planned_epsilon > 0
    assert ledger.find("patients") is None  # nothing written by a dry run


def test_spend_is_recorded_and_composed(ledger):
    ev = dp_event.GaussianDpEvent(3.0)
    ledger.commit_spend("patients", "sha256:a", ev, epsilon=1.0, delta=1e-6, run_id="r1", generator="g")
    ledger.commit_spend("patients", "sha256:a", ev, epsilon=1.0, delta=1e-6, run_id="r2", generator="g")
    history = ledger.history("patients")
    assert [s.run_id for s in history] == ["r1", "r2"]
    status = ledger.status("patients")
    assert status.spent_epsilon == pytest.approx(epsilon_of([ev, ev], 1e-5), rel=1e-9)
    assert status.spent_epsilon_rdp >= status.spent_epsilon - 1e-6


def test_over_budget_is_refused_with_overshoot_and_nothing_written(ledger):
    with pytest.raises(BudgetExceededError) as info:
        ledger.commit_spend("p", "sha256:a", dp_event.GaussianDpEvent(0.5), epsilon=9, delta=1e-6)
    assert info.value.overshoot > 0
    assert "over the cap of 3" in str(info.value) and "Nothing was spent" in str(info.value)
    assert ledger.find("p") is None or ledger.history("p") == []


def test_renamed_copy_and_changed_content_keep_the_budget(ledger):
    ev = dp_event.GaussianDpEvent(2.0)
    ledger.commit_spend("patients", "sha256:a", ev, epsilon=1, delta=1e-6)
    # same content under another name -> same dataset
    assert ledger.status("patients_copy", "sha256:a").dataset == "patients"
    # same name, new content -> same dataset (conservative)
    assert ledger.status("patients", "sha256:b").spent_epsilon > 0


def test_set_cap_validates_and_updates(ledger):
    with pytest.raises(ConfigError):
        ledger.set_cap("x", -1, 1e-5)
    ledger.set_cap("x", 5, 1e-6)
    assert ledger.status("x").cap_epsilon == 5


def test_spends_are_append_only(ledger):
    ledger.commit_spend("x", None, dp_event.GaussianDpEvent(3.0), epsilon=1, delta=1e-6)
    conn = sqlite3.connect(ledger.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM spends")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE spends SET epsilon = 0")


SPENDER = textwrap.dedent("""
    import sys, time
    from dp_accounting import dp_event
    from privsynth.errors import BudgetExceededError
    from privsynth.policies.ledger import Ledger
    path, start, tag = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    ledger = Ledger(path, default_cap=(3.0, 1e-5))
    while time.time() < start:
        time.sleep(0.001)
    try:
        ledger.commit_spend("shared", "sha256:s", dp_event.GaussianDpEvent(2.2), epsilon=1.2, delta=1e-6, run_id=tag)
        print("ok")
    except BudgetExceededError:
        print("refused")
""")


def test_concurrent_processes_never_pass_the_cap(tmp_path):
    import time

    path = tmp_path / "ledger.sqlite"
    Ledger(path)  # create tables first
    start = time.time() + 3.0
    procs = [subprocess.Popen([sys.executable, "-c", SPENDER, str(path), str(start), f"p{i}"],
                              stdout=subprocess.PIPE, text=True) for i in range(4)]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    single = epsilon_of([dp_event.GaussianDpEvent(2.2)], 1e-5)
    fitting = max(k for k in range(1, 5) if epsilon_of([dp_event.GaussianDpEvent(2.2)] * k, 1e-5) <= 3.0)
    assert single < 3.0 and fitting < 4  # the scenario is a real race
    assert outs.count("ok") == fitting and outs.count("refused") == 4 - fitting
    status = Ledger(path).status("shared")
    assert status.spent_epsilon <= 3.0
    assert len(Ledger(path).history("shared")) == fitting


CRASHER = textwrap.dedent("""
    import os, signal, sys
    from dp_accounting import dp_event
    from privsynth.policies.ledger import Ledger
    ledger = Ledger(sys.argv[1])
    ledger.commit_spend("d", "sha256:c", dp_event.GaussianDpEvent(3.0), epsilon=1, delta=1e-6, run_id="crash")
    os.kill(os.getpid(), signal.SIGKILL)  # killed right after committing, before any cleanup
""")


def test_spend_survives_a_kill_right_after_commit(tmp_path):
    path = tmp_path / "ledger.sqlite"
    proc = subprocess.run([sys.executable, "-c", CRASHER, str(path)], timeout=120)
    assert proc.returncode == -9
    history = Ledger(path).history("d")
    assert [s.run_id for s in history] == ["crash"]
