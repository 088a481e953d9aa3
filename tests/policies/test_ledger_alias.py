"""The ledger's names: aliases, resolving a run's name against its content, caps checked against the spends."""

from __future__ import annotations

import pytest
from dp_accounting import dp_event

from privsynth.errors import ConfigError, InputDataError
from privsynth.policies.ledger import Ledger


@pytest.fixture
def ledger(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite", default_cap=(3.0, 1e-5), row_bound=10_000)
    ledger.commit_spend("insurance", "sha256:a", dp_event.GaussianDpEvent(2.0), epsilon=1, delta=1e-6, run_id="r1")
    return ledger


def test_default_name_for_known_content_resolves_to_the_registered_dataset(ledger):
    resolved = ledger.resolve("insurance_copy", "sha256:a", explicit=False)
    assert resolved.dataset == "insurance"
    assert resolved.notice == "this file is registered as 'insurance'; its budget applies."


def test_explicit_new_name_for_known_content_is_refused_until_aliased(ledger):
    with pytest.raises(ConfigError) as info:
        ledger.resolve("claims", "sha256:a", explicit=True)
    assert "registered in the ledger as dataset 'insurance'" in str(info.value)
    assert "privsynth budget alias claims insurance" in str(info.value)
    ledger.add_alias("claims", "insurance")
    resolved = ledger.resolve("claims", "sha256:a", explicit=True)
    assert resolved.dataset == "insurance" and "alias" in (resolved.notice or "")
    assert ledger.find("claims").name == "insurance"
    assert [s.run_id for s in ledger.history("claims")] == ["r1"]


def test_same_name_and_new_content_need_no_notice(ledger):
    assert ledger.resolve("insurance", "sha256:a", explicit=True).notice is None
    assert ledger.resolve("insurance", "sha256:new", explicit=True).dataset == "insurance"
    assert ledger.resolve("fresh", "sha256:new", explicit=True).dataset == "fresh"


def test_alias_cannot_merge_two_budgets_or_point_nowhere(ledger):
    ledger.set_cap("patients", 3, 1e-6)
    with pytest.raises(ConfigError, match="cannot merge two budgets"):
        ledger.add_alias("patients", "insurance")
    with pytest.raises(InputDataError, match="No dataset named 'nothing'"):
        ledger.add_alias("x", "nothing")


def test_cap_below_the_spent_epsilon_is_refused_and_nothing_changes(ledger):
    spent = ledger.status("insurance").spent_epsilon
    with pytest.raises(ConfigError, match="already spent epsilon") as info:
        ledger.set_cap("insurance", spent / 2, 1e-5)
    assert "never refunded" in str(info.value)
    assert ledger.find("insurance").cap_epsilon == 3.0
    ledger.set_cap("insurance", spent + 0.5, 1e-5)
    assert ledger.find("insurance").cap_epsilon == pytest.approx(spent + 0.5)


def test_cap_delta_at_or_above_one_over_the_recorded_row_bound_is_refused(ledger):
    assert ledger.find("insurance").row_bound == 10_000
    with pytest.raises(ConfigError, match="not below 1/n"):
        ledger.set_cap("insurance", 3, 1e-4)
    with pytest.raises(ConfigError, match="not below 1/n"):
        ledger.set_cap("new_one", 3, 0.01, row_bound=100)
    ledger.set_cap("insurance", 3, 1e-6)
