"""A damaged ledger is one clear error (what, where the backup and WAL are, how to recover) and recovers intact."""

from __future__ import annotations

import pytest
from dp_accounting import dp_event

from privsynth.errors import LedgerDamagedError
from privsynth.policies.ledger import Ledger
from privsynth.policies.ledger_backup import backup_path, recover


def _spent_ledger(tmp_path) -> Ledger:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    for run in ("r1", "r2"):
        ledger.commit_spend("insurance", "sha256:a", dp_event.GaussianDpEvent(3.0), epsilon=1, delta=1e-6, run_id=run)
    return ledger


def test_every_write_leaves_a_private_backup(tmp_path):
    ledger = _spent_ledger(tmp_path)
    backup = backup_path(ledger.path)
    assert backup.is_file() and backup.stat().st_mode & 0o077 == 0
    assert [s.run_id for s in Ledger(backup).history("insurance")] == ["r1", "r2"]


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_damaged_ledger_is_one_line_with_the_backup_and_recovers_every_spend(tmp_path, damage):
    ledger = _spent_ledger(tmp_path)
    raw = ledger.path.read_bytes()
    ledger.path.write_bytes(raw[:100] if damage == "truncate" else b"not a ledger" * 50)
    with pytest.raises(LedgerDamagedError) as info:
        Ledger(ledger.path).history("insurance")
    message = str(info.value)
    assert "\n" not in message and "is damaged" in message and "nothing was spent" in message
    assert "privsynth budget recover" in message and str(backup_path(ledger.path)) in message
    assert "write-ahead log" in message
    line = recover(ledger.path)
    assert "restored" in line and "2 spend(s)" in line
    assert [s.run_id for s in Ledger(ledger.path).history("insurance")] == ["r1", "r2"]
    assert list(tmp_path.glob("ledger.sqlite.damaged-*"))


def test_without_a_backup_the_error_says_how_to_rebuild_by_hand(tmp_path):
    ledger = _spent_ledger(tmp_path)
    backup_path(ledger.path).unlink()
    ledger.path.write_bytes(b"\0" * 300)
    with pytest.raises(LedgerDamagedError, match=r"\.recover"):
        Ledger(ledger.path)
    with pytest.raises(LedgerDamagedError, match="no usable backup"):
        recover(ledger.path)
