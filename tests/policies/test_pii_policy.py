"""PII policy: loading and validation, and every transformation applied to real detections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privsynth.errors import ConfigError
from privsynth.policies.pii_policy import ACTIONS, PIIPolicy, resolve_hmac_secret
from privsynth.tools.pii.anonymize import PolicyScrubber, keyed_hash, mask_text
from privsynth.tools.pii.text import scan_text

TEXT = "My name is Anna Kowalski, email anna.k@example.com, call 0490 39 07 81."


def _scrub(policy: dict, text: str = TEXT, secret: str | None = None) -> str:
    return PolicyScrubber(PIIPolicy.from_dict(policy), secret=secret).scrub_text(text, scan_text(text))


def test_policy_from_file_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"default": "redact", "entities": {"person": "fake", "EMAIL_ADDRESS": "keep"}}))
    policy = PIIPolicy.from_file(path)
    assert policy.action_for("PERSON") == "fake"
    assert policy.action_for("EMAIL_ADDRESS") == "keep"
    assert policy.action_for("PHONE_NUMBER") == "redact"


@pytest.mark.parametrize(("data", "names"), [
    ({"entities": {"SOCIAL_NUMBER": "tag"}}, ["SOCIAL_NUMBER", "PERSON", "EMAIL_ADDRESS"]),
    ({"entities": {"PERSON": "shred"}}, ["shred", "drop_column", "hash"]),
    ({"default": "nuke"}, ["nuke", "redact"]),
])
def test_unknown_entity_or_action_names_it_and_lists_valid_ones(data: dict, names: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        PIIPolicy.from_dict(data)
    for name in names:
        assert name in str(err.value)


def test_bad_policy_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        PIIPolicy.from_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        PIIPolicy.from_file(bad)
    with pytest.raises(ConfigError, match="colour"):
        PIIPolicy.from_dict({"colour": "red"})


def test_tag_redact_mask_keep() -> None:
    tagged = _scrub({"default": "tag"})
    assert tagged == "My name is <PERSON>, email <EMAIL_ADDRESS>, call <PHONE_NUMBER>."
    assert _scrub({"default": "redact"}) == "My name is , email , call ."
    assert _scrub({"default": "drop_column"}) == "My name is , email , call ."  # no column inside text
    masked = _scrub({"default": "keep", "entities": {"PHONE_NUMBER": "mask"}})
    assert masked == "My name is Anna Kowalski, email anna.k@example.com, call **** ** ** **."
    assert _scrub({"default": "keep"}) == TEXT
    assert mask_text("ab-12 c") == "**-** *"


def test_keyed_hash_is_stable_per_key_and_differs_across_keys() -> None:
    policy = {"default": "keep", "entities": {"EMAIL_ADDRESS": "hash"}}
    first = _scrub(policy, secret="key-one")
    again = _scrub(policy, secret="key-one")
    other = _scrub(policy, secret="key-two")
    assert first == again
    assert first != other
    assert "anna.k@example.com" not in first
    assert keyed_hash("anna.k@example.com", b"key-one", "EMAIL_ADDRESS") in first


def test_hash_without_secret_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRIVSYNTH_HMAC_SECRET", raising=False)
    with pytest.raises(ConfigError, match="HMAC secret"):
        PolicyScrubber(PIIPolicy(default="hash"))
    monkeypatch.setenv("PRIVSYNTH_HMAC_SECRET", "from-env")
    assert resolve_hmac_secret() == b"from-env"
    assert resolve_hmac_secret("explicit") == b"explicit"


def test_hash_secret_from_config(privsynth_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRIVSYNTH_HMAC_SECRET", raising=False)
    privsynth_home.mkdir(parents=True, exist_ok=True)
    (privsynth_home / "config.json").write_text(json.dumps({"hmac_secret": "from-config"}))
    assert resolve_hmac_secret() == b"from-config"


def test_fake_surrogates_are_consistent_and_realistic() -> None:
    scrubber = PolicyScrubber(PIIPolicy(default="fake", seed=3))
    texts = ["Dear Mr. Holm, thanks.", "Mr. Holm called Mrs. Berg.", "Mrs. Berg wrote back to Mr. Holm."]
    outs = [scrubber.scrub_text(t, scan_text(t)) for t in texts]
    assert all("Holm" not in o and "Berg" not in o for o in outs)
    holm = outs[0][len("Dear Mr. "):outs[0].index(",")]
    assert holm and holm in outs[1] and holm in outs[2]
    assert scrubber.replace("PERSON", "Holm") == holm
    assert scrubber.replace("PERSON", "Berg") != holm
    again = PolicyScrubber(PIIPolicy(default="fake", seed=3))
    assert [again.scrub_text(t, scan_text(t)) for t in texts] == outs


def test_every_action_is_handled() -> None:
    scrubber = PolicyScrubber(PIIPolicy(default="keep"), secret="k")
    for action in ACTIONS:
        scrubber.policy = PIIPolicy(default=action)
        scrubber._key = b"k"
        assert isinstance(scrubber.replace("PERSON", "Anna"), str)
