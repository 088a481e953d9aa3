"""Apply a :class:`~privsynth.policies.pii_policy.PIIPolicy` to detected spans and to whole values.

:class:`PolicyScrubber` holds the state of one scrub: the HMAC key (only looked up when the policy
hashes something) and the surrogate map, so that the same raw value of one entity type gets the same
Faker surrogate everywhere in the run (in every record, column and text). Scrubbing PII is a
data-hygiene step, not differential privacy.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

from privsynth.policies.pii_policy import PIIPolicy, resolve_hmac_secret
from privsynth.tools.pii.text import Span
from privsynth.tools.pii.transform import _Surrogates

HASH_CHARS = 16


def mask_text(value: str) -> str:
    """Replace every letter and digit with ``*``; separators and whitespace stay."""
    return re.sub(r"[^\W_]", "*", value)


def keyed_hash(value: str, key: bytes, entity_type: str = "") -> str:
    """HMAC-SHA256 of ``entity_type:value`` under ``key``, as 16 hex characters."""
    message = f"{entity_type.upper()}:{value.strip()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:HASH_CHARS]


class PolicyScrubber:
    """Transform values and text spans as a policy says, consistently within one scrub.

    Args:
        policy: The policy; defaults to tagging everything.
        secret: HMAC secret for ``hash``; when None it is looked up (see
            :func:`~privsynth.policies.pii_policy.resolve_hmac_secret`) if the policy hashes anything.

    Raises:
        ConfigError: The policy hashes and no secret is available.
    """

    def __init__(self, policy: PIIPolicy | None = None, secret: str | bytes | None = None) -> None:
        self.policy = policy or PIIPolicy()
        self._key = resolve_hmac_secret(secret) if self.policy.uses_hash else None
        self._surrogates = _Surrogates(self.policy.seed)
        self.counts: dict[str, dict[str, int]] = {}

    def replace(self, entity_type: str, value: str) -> str:
        """Return what replaces one detected value of an entity type under the policy.

        Args:
            entity_type: The entity type.
            value: The raw value.

        Returns:
            The replacement (the value itself for ``keep``; ``""`` for ``redact``/``drop_column``).
        """
        action = self.policy.action_for(entity_type)
        per_type = self.counts.setdefault(entity_type, {})
        per_type[action] = per_type.get(action, 0) + 1
        if action == "keep":
            return value
        if action in ("redact", "drop_column"):
            return ""
        if action == "tag":
            return f"<{entity_type}>"
        if action == "mask":
            return mask_text(value)
        if action == "hash":
            assert self._key is not None  # set whenever the policy hashes
            return keyed_hash(value, self._key, entity_type)
        return self._surrogates.get(entity_type, value.strip(), avoid={value.strip()})

    def scrub_text(self, text: str, spans: Sequence[Span]) -> str:
        """Replace each span of ``text`` as the policy says (spans must not overlap).

        Args:
            text: The original text.
            spans: Non-overlapping spans with offsets into ``text``.

        Returns:
            The scrubbed text.
        """
        pieces: list[str] = []
        cursor = 0
        for span in sorted(spans, key=lambda s: s.start):
            if span.start < cursor:
                continue  # overlapping spans: the first one wins
            pieces.append(text[cursor:span.start])
            pieces.append(self.replace(span.entity_type, text[span.start:span.end]))
            cursor = span.end
        pieces.append(text[cursor:])
        return "".join(pieces)
