"""Find personal data in free text: single documents, lists of records and JSONL corpora, with spans.

:class:`TextScanner` runs privsynth's Presidio analyzer over many texts in batches (spaCy
``nlp.pipe`` through Presidio's ``BatchAnalyzerEngine``), then cleans the raw results with
:func:`privsynth.tools.pii.postprocess.clean_spans` (per-entity score thresholds, false-positive
filters, overlap resolution and merging of adjacent parts). Every :class:`Span` carries character
offsets into the *original* text, so ``text[span.start:span.end]`` is the detected entity.

Robustness: ``None``, NaN and empty cells give no spans; other non-string cells (numbers, booleans)
are scanned as ``str(value)``; texts longer than ``max_chunk_chars`` are cut into overlapping chunks
at whitespace, scanned chunk by chunk and stitched back, so a 200k-character cell costs memory in
proportion to one chunk of spaCy work, not the whole cell.

PII detection is a data-hygiene step: it finds direct identifiers, it is not differential privacy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine

from privsynth.errors import ConfigError
from privsynth.logs import get_logger
from privsynth.tools.pii.engine import LANGUAGE, get_analyzer
from privsynth.tools.pii.postprocess import RawSpan, clean_spans

log = get_logger(__name__)

DEFAULT_BATCH_SIZE = 64
MAX_CHUNK_CHARS = 10_000  # longer texts are scanned in chunks of about this size
CHUNK_OVERLAP = 200  # characters shared by neighbouring chunks, so entities on a cut are still found


@dataclass(frozen=True, order=True)
class Span:
    """One detected entity.

    Attributes:
        start: Offset of the first character in the original text.
        end: Offset one past the last character (``text[start:end]`` is the entity).
        entity_type: Presidio entity name (``PERSON``, ``LOCATION``, ``EMAIL_ADDRESS``...).
        score: Detection confidence between 0 and 1.
    """

    start: int
    end: int
    entity_type: str
    score: float

    def to_dict(self) -> dict[str, object]:
        """Return the span as a JSON-ready dict (score rounded to 4 decimals)."""
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data


def as_text(value: object) -> str:
    """Turn a cell into the text to scan: ``None``/NaN become ``""``, other scalars ``str(value)``.

    Args:
        value: A cell of a table or a field of a record.

    Returns:
        The text that is scanned and whose offsets spans refer to.
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def _chunks(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Cut ``text`` into windows ``(start, end)`` of about ``size`` characters, ending at whitespace."""
    if len(text) <= size:
        return [(0, len(text))]
    windows: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind(" ", start + size // 2, end), text.rfind("\n", start + size // 2, end))
            end = cut + 1 if cut > 0 else end
        windows.append((start, end))
        if end >= len(text):
            break
        nxt = end - overlap
        space = text.find(" ", nxt, end)
        start = space + 1 if space >= 0 else nxt
    return windows


class TextScanner:
    """Batched PII scanner for free text.

    Args:
        analyzer: The Presidio analyzer; defaults to privsynth's cached one
            (:func:`~privsynth.tools.pii.engine.get_analyzer`).
        batch_size: Texts per spaCy ``nlp.pipe`` batch.
        max_chunk_chars: Texts longer than this are scanned in overlapping chunks.
        postprocess: Apply privsynth's span cleaning (thresholds, filters, merging); ``False`` returns
            the analyzer's results as they are (above ``min_score``).
        min_score: Results below this score are dropped before cleaning.

    Raises:
        ConfigError: ``batch_size`` or ``max_chunk_chars`` is too small.
    """

    def __init__(self, analyzer: AnalyzerEngine | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 max_chunk_chars: int = MAX_CHUNK_CHARS, postprocess: bool = True, min_score: float = 0.05) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1 (got {batch_size}).", "Pass a positive batch size.")
        if max_chunk_chars < 4 * CHUNK_OVERLAP:
            raise ConfigError(f"max_chunk_chars must be at least {4 * CHUNK_OVERLAP} (got {max_chunk_chars}).",
                              "Pass a larger chunk size.")
        self.analyzer = analyzer or get_analyzer()
        self.batch_size = batch_size
        self.max_chunk_chars = max_chunk_chars
        self.postprocess = postprocess
        self.min_score = min_score
        self._batch = BatchAnalyzerEngine(self.analyzer)

    def scan(self, text: object) -> list[Span]:
        """Scan one text.

        Args:
            text: The text (non-strings are converted with :func:`as_text`).

        Returns:
            The spans, sorted by start offset.
        """
        return self.scan_many([text])[0]

    def scan_many(self, texts: Iterable[object]) -> list[list[Span]]:
        """Scan many texts in batches.

        Args:
            texts: Texts or cells (converted with :func:`as_text`).

        Returns:
            One sorted span list per input, in input order.
        """
        return list(self.iter_scan(texts))

    def iter_scan(self, texts: Iterable[object]) -> Iterator[list[Span]]:
        """Scan texts lazily, one batch at a time, yielding one span list per input in order.

        Args:
            texts: Texts or cells (converted with :func:`as_text`).

        Yields:
            The sorted spans of each input.
        """
        batch: list[str] = []
        for value in texts:
            batch.append(as_text(value))
            if len(batch) >= self.batch_size:
                yield from self._scan_batch(batch)
                batch = []
        if batch:
            yield from self._scan_batch(batch)

    def _scan_batch(self, texts: list[str]) -> list[list[Span]]:
        # Every non-blank text becomes one or more chunks; the analyzer sees the chunks as one batch.
        pieces: list[str] = []
        owners: list[tuple[int, int, int]] = []  # (text index, chunk start, chunk end)
        for i, text in enumerate(texts):
            if not text.strip():
                continue
            for start, end in _chunks(text, self.max_chunk_chars, CHUNK_OVERLAP):
                pieces.append(text[start:end])
                owners.append((i, start, end))
        raw: list[list[RawSpan]] = [[] for _ in texts]
        if pieces:
            results = self._batch.analyze_iterator(pieces, language=LANGUAGE, batch_size=self.batch_size,
                                                   score_threshold=self.min_score)
            for (i, offset, _end), found in zip(owners, results, strict=True):
                raw[i].extend(RawSpan(r.start + offset, r.end + offset, r.entity_type, float(r.score),
                                      _recognizer(r)) for r in found)
        out = []
        for text, spans in zip(texts, raw, strict=True):
            cleaned = clean_spans(text, spans) if self.postprocess else _dedupe(spans)
            out.append(sorted(Span(s.start, s.end, s.entity_type, s.score) for s in cleaned))
        return out


def _recognizer(result: object) -> str:
    meta = getattr(result, "recognition_metadata", None) or {}
    return str(meta.get("recognizer_name", ""))


def _dedupe(spans: list[RawSpan]) -> list[RawSpan]:
    """Drop exact duplicates (the same entity found in two overlapping chunks), keeping the best score."""
    best: dict[tuple[int, int, str], RawSpan] = {}
    for span in spans:
        key = (span.start, span.end, span.entity_type)
        if key not in best or span.score > best[key].score:
            best[key] = span
    return list(best.values())


_DEFAULT: TextScanner | None = None


def default_scanner() -> TextScanner:
    """Return the process-wide scanner over the cached analyzer (built on first use)."""
    global _DEFAULT  # noqa: PLW0603 - one lazily built scanner per process, like get_analyzer
    if _DEFAULT is None:
        _DEFAULT = TextScanner()
    return _DEFAULT


def scan_text(text: object) -> list[Span]:
    """Scan one text with the default scanner.

    Args:
        text: The text.

    Returns:
        The detected spans, sorted by start offset.
    """
    return default_scanner().scan(text)


def scan_texts(texts: Iterable[object]) -> list[list[Span]]:
    """Scan many texts in batches with the default scanner.

    Args:
        texts: The texts.

    Returns:
        One sorted span list per text, in input order.
    """
    return default_scanner().scan_many(texts)
