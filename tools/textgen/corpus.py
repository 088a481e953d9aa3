r"""Turning a text corpus into training sequences for a causal LM, and the prompts that condition sampling.

Each record becomes ``"Category: <label>\\nText: <text><eos>"`` (``"Text: <text><eos>"`` without labels).
The loss covers the text and the end-of-sequence token only, so the model learns the text given its label;
sampling starts from the same prefix. Sequences longer than ``max_tokens`` are cut (and counted, so the
caller can warn). With a user column, all records of one user are packed into one sequence, which makes
the privacy unit the user rather than the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

IGNORE_INDEX = -100


def label_words(label: str) -> str:
    """How a label reads in the prompt (``card_arrival`` -> ``card arrival``)."""
    return str(label).replace("_", " ").strip()


def prompt_for(label: str | None) -> str:
    """The sampling prompt (and training prefix) for one label, or for unlabelled text."""
    return "Text:" if label is None else f"Category: {label_words(label)}\nText:"


@dataclass
class EncodedCorpus:
    """Token ids of every training sequence, with the loss mask.

    Attributes:
        input_ids: One list of token ids per sequence.
        labels: The same ids with the prompt positions set to ``IGNORE_INDEX``.
        truncated: How many sequences were cut to ``max_tokens``.
        tokens: Total tokens that carry loss.
    """

    input_ids: list[list[int]] = field(default_factory=list)
    labels: list[list[int]] = field(default_factory=list)
    truncated: int = 0
    tokens: int = 0

    def __len__(self) -> int:
        return len(self.input_ids)


def encode_corpus(texts: Sequence[str], labels: Sequence[str | None] | None, tokenizer: object,
                  max_tokens: int) -> EncodedCorpus:
    """Tokenise records as ``prompt + " " + text + eos``, cutting each to ``max_tokens``.

    Args:
        texts: The (PII-scrubbed) texts.
        labels: One label per text, or None for unconditional training.
        tokenizer: A ``transformers`` tokenizer with ``eos_token_id``.
        max_tokens: Longest sequence kept (prompt included).

    Returns:
        The encoded corpus.
    """
    out = EncodedCorpus()
    eos = tokenizer.eos_token_id  # type: ignore[attr-defined]
    for i, text in enumerate(texts):
        label = None if labels is None else labels[i]
        prefix = tokenizer(prompt_for(label), add_special_tokens=False)["input_ids"]  # type: ignore[operator]
        body = tokenizer(" " + str(text).strip(), add_special_tokens=False)["input_ids"]  # type: ignore[operator]
        ids = list(prefix) + list(body) + [eos]
        mask = [IGNORE_INDEX] * len(prefix) + list(body) + [eos]
        if len(ids) > max_tokens:
            ids, mask = ids[:max_tokens], mask[:max_tokens]
            out.truncated += 1
        out.input_ids.append(ids)
        out.labels.append(mask)
        out.tokens += sum(1 for t in mask if t != IGNORE_INDEX)
    return out


def pack_by_user(texts: Sequence[str], users: Sequence[object], max_records: int) -> tuple[list[str], list[int]]:
    """Join each user's records (at most ``max_records`` of them, in input order) into one text.

    Returns:
        ``(packed_texts, index_of_first_record)``: one text per user.
    """
    groups: dict[object, list[int]] = {}
    for i, user in enumerate(users):
        groups.setdefault(user, []).append(i)
    packed, first = [], []
    for rows in groups.values():
        chosen = rows[:max_records]
        packed.append("\n".join(str(texts[i]).strip() for i in chosen))
        first.append(chosen[0])
    return packed, first


def collate(corpus: EncodedCorpus, index: Sequence[int], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad the chosen sequences into a batch (padding carries no loss and no attention)."""
    rows = [corpus.input_ids[i] for i in index]
    width = max((len(r) for r in rows), default=1)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    target = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for k, i in enumerate(index):
        n = len(corpus.input_ids[i])
        ids[k, :n] = torch.tensor(corpus.input_ids[i])
        target[k, :n] = torch.tensor(corpus.labels[i])
        attention[k, :n] = 1
    return {"input_ids": ids, "labels": target, "attention_mask": attention}
