"""Text metrics: PII re-scan, memorisation (verbatim copies, long n-grams), canaries, similarity, utility.

Pure functions over lists of strings (and embedding matrices) used by
:func:`privsynth.agents.validators.text.validate_text`. Every number reads the real texts, so it is a
non-DP statistic for the data owner, never part of a release.

Words are runs of letters, digits and underscores, case-folded (punctuation is ignored); "verbatim"
compares texts after case-folding and collapsing whitespace. The longest word sequence a synthetic text shares with any
training text is found with a suffix automaton over the training corpus (linear time), so "has an
``n``-gram in the training text" is simply "longest shared run >= ``n`` words".
"""

from __future__ import annotations

import itertools
import math
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from privsynth.errors import ConfigError, InputDataError

_WORD = re.compile(r"\w+")
Scorer = Callable[[Sequence[str]], Sequence[float]]


def words(text: str) -> list[str]:
    """Split a text into case-folded words (runs of letters, digits and underscores)."""
    return _WORD.findall(text.casefold())


def normalise(text: str) -> str:
    """Case-fold a text and collapse its whitespace (the form verbatim comparisons use)."""
    return " ".join(text.split()).casefold()


def check_texts(texts: object, name: str, *, required: bool = True) -> tuple[list[str], list[int]]:
    """Validate a list of texts, skipping missing entries.

    Args:
        texts: A list/tuple/Series of strings; ``None``, NaN and blank entries are skipped.
        name: Argument name for messages.
        required: Raise when nothing is left; otherwise return empty lists.

    Returns:
        The kept texts and their positions in the input.

    Raises:
        InputDataError: ``texts`` is not a sequence of strings, holds a non-string entry, or (when
            ``required``) holds no usable text.
    """
    if texts is None or isinstance(texts, str | bytes) or not hasattr(texts, "__iter__"):
        if texts is None and not required:
            return [], []
        raise InputDataError(f"{name} must be a list of strings (got {type(texts).__name__}).",
                             f"Pass {name} as a list of texts.")
    kept: list[str] = []
    index: list[int] = []
    for i, value in enumerate(list(texts)):  # type: ignore[call-overload]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if not isinstance(value, str):
            raise InputDataError(f"{name}[{i}] is a {type(value).__name__}, not a string.",
                                 f"Convert every entry of {name} to text (or None to skip it).")
        if value.strip():
            kept.append(value)
            index.append(i)
    if required and not kept:
        raise InputDataError(f"{name} holds no non-empty text.", f"Pass at least one text in {name}.")
    return kept, index


# --- PII ---------------------------------------------------------------------------------------------


def pii_rescan(texts: Sequence[str], scanner: Any = None, weak: Iterable[str] = ()) -> dict[str, Any]:
    """Re-scan texts with privsynth's PII scanner.

    Args:
        texts: The texts to scan.
        scanner: A :class:`~privsynth.tools.pii.TextScanner` (default: the process-wide one).
        weak: Entity types that are quasi-identifiers (dates, places...) rather than direct identifiers.

    Returns:
        ``n_texts``; ``entity_counts`` (spans per entity type); ``texts_per_entity``; ``share_with_pii``
        (texts with any span); ``share_with_identifiers`` (texts with a span whose type is not ``weak``).
    """
    if scanner is None:
        from privsynth.tools.pii.text import default_scanner

        scanner = default_scanner()
    found = scanner.scan_many(texts) if texts else []
    weak = set(weak)
    spans = Counter(s.entity_type for spans in found for s in spans)
    per_text = Counter(t for spans in found for t in {s.entity_type for s in spans})
    n = len(found)
    any_pii = sum(bool(s) for s in found)
    strong = sum(any(s.entity_type not in weak for s in spans) for spans in found)
    return {"n_texts": n, "entity_counts": dict(sorted(spans.items())),
            "texts_per_entity": dict(sorted(per_text.items())), "share_with_pii": any_pii / n if n else None,
            "share_with_identifiers": strong / n if n else None}


# --- memorisation ------------------------------------------------------------------------------------


def verbatim_copy_rate(reference: Sequence[str], synthetic: Sequence[str]) -> float | None:
    """Share of synthetic texts equal to some reference text (case-folded, whitespace collapsed).

    Returns:
        A share in [0, 1]; ``None`` when there are no synthetic texts.
    """
    if not synthetic:
        return None
    seen = {normalise(t) for t in reference}
    return sum(normalise(t) in seen for t in synthetic) / len(synthetic)


class LongestMatch:
    """Longest run of consecutive words a text shares with any text of a corpus (suffix automaton).

    Runs never cross the boundary between two corpus texts. Building costs time and memory linear in the
    corpus's word count (about a second per 100k words).

    Args:
        corpus: The reference texts (the training text).
    """

    def __init__(self, corpus: Sequence[str]) -> None:
        self._vocab: dict[str, int] = {}
        self._next: list[dict[int, int]] = [{}]
        self._link = [-1]
        self._len = [0]
        self._last = 0
        for i, text in enumerate(corpus):
            for word in words(text):
                self._extend(self._vocab.setdefault(word, len(self._vocab)))
            self._extend(-1 - i)  # a unique separator: no run spans two texts

    def _extend(self, token: int) -> None:
        nxt, link, length = self._next, self._link, self._len
        cur = len(length)
        nxt.append({})
        length.append(length[self._last] + 1)
        link.append(0)
        p = self._last
        while p != -1 and token not in nxt[p]:
            nxt[p][token] = cur
            p = link[p]
        if p != -1:
            q = nxt[p][token]
            if length[p] + 1 == length[q]:
                link[cur] = q
            else:
                clone = len(length)
                nxt.append(dict(nxt[q]))
                length.append(length[p] + 1)
                link.append(link[q])
                while p != -1 and nxt[p].get(token) == q:
                    nxt[p][token] = clone
                    p = link[p]
                link[q] = clone
                link[cur] = clone
        self._last = cur

    def longest(self, text: str) -> int:
        """Number of words in the longest run of ``text`` that occurs in a corpus text."""
        state, run, best = 0, 0, 0
        for word in words(text):
            token = self._vocab.get(word)
            if token is None:
                state, run = 0, 0
                continue
            while state and token not in self._next[state]:
                state = self._link[state]
                run = self._len[state]
            if token in self._next[state]:
                state, run = self._next[state][token], run + 1
                best = max(best, run)
        return best


def ngram_overlap(train: Sequence[str], synthetic: Sequence[str], n: int = 8,
                  matcher: LongestMatch | None = None) -> dict[str, Any]:
    """Share of synthetic texts with a word ``n``-gram that occurs in a training text, and match lengths.

    Args:
        train: The training texts.
        synthetic: The texts to check.
        n: The n-gram length in words (texts shorter than ``n`` words are not eligible).
        matcher: A prebuilt :class:`LongestMatch` over ``train`` (built when omitted).

    Returns:
        ``overlap_rate`` (among eligible texts; ``None`` when none is eligible), ``eligible``; and over all
        texts the longest shared run in words (``longest_mean``, ``longest_p95``, ``longest_max``) and
        ``longest_fraction_mean`` (longest run / text length; 1 for a copy).

    Raises:
        ConfigError: ``n`` < 1.
    """
    if n < 1:
        raise ConfigError(f"The n-gram length must be at least 1 (got {n}).", "Pass n >= 1, e.g. 8.")
    matcher = matcher or LongestMatch(train)
    sizes = np.array([len(words(t)) for t in synthetic], dtype=float)
    runs = np.array([matcher.longest(t) for t in synthetic], dtype=float)
    eligible = sizes >= n
    stats: dict[str, Any] = {"n": n, "eligible": int(eligible.sum()), "n_texts": len(synthetic),
                             "overlap_rate": float(np.mean(runs[eligible] >= n)) if eligible.any() else None}
    if len(runs):
        stats.update(longest_mean=float(runs.mean()), longest_p95=float(np.percentile(runs, 95)),
                     longest_max=float(runs.max()),
                     longest_fraction_mean=float(np.mean(runs / np.maximum(sizes, 1.0))))
    return stats


# --- canaries ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Canary:
    """A planted canary: the full planted ``text`` and the random ``secret`` inside it.

    A plain string ``s`` means ``Canary(text=s, secret=s)``.
    """

    text: str
    secret: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not isinstance(self.secret, str) or not self.secret.strip():
            raise InputDataError("A canary needs a text and a non-empty secret, both strings.",
                                 "Pass canaries as strings or {'text': ..., 'secret': ...}.")
        if self.secret not in self.text:
            raise InputDataError(f"The canary secret {self.secret!r} does not occur in its text.",
                                 "Make the secret a substring of the planted text.")


def as_canaries(canaries: Iterable[object]) -> list[Canary]:
    """Turn strings, ``{"text", "secret"}`` mappings and :class:`Canary` objects into canaries.

    Raises:
        InputDataError: An entry is none of these.
    """
    out = []
    for item in canaries:
        if isinstance(item, Canary):
            out.append(item)
        elif isinstance(item, str):
            out.append(Canary(item, item))
        elif isinstance(item, dict) and "secret" in item:
            out.append(Canary(item.get("text", item["secret"]), item["secret"]))
        else:
            raise InputDataError(f"A canary must be a string or {{'text', 'secret'}} (got {type(item).__name__}).",
                                 "Pass the planted canaries as strings.")
    return out


def canary_extraction(canaries: Sequence[Canary], texts: Sequence[str]) -> dict[str, Any]:
    """Share of canary secrets that appear verbatim (case-folded, whitespace collapsed) in the texts.

    Returns:
        ``n_canaries``, ``extracted`` (count), ``rate`` (``None`` without canaries) and ``found`` (per canary).
    """
    corpus = "\n".join(normalise(t) for t in texts)
    found = [normalise(c.secret) in corpus for c in canaries]
    return {"n_canaries": len(found), "extracted": sum(found), "rate": sum(found) / len(found) if found else None,
            "found": found}


def _secret_space(secret: str) -> list[str]:
    """The alphabet of each character: digits and letters vary within their class, the rest is fixed."""
    return [string.digits if ch.isdigit() else string.ascii_lowercase if ch in string.ascii_lowercase
            else string.ascii_uppercase if ch in string.ascii_uppercase else ch for ch in secret]


def exposure_candidates(canary: Canary, n_candidates: int = 1000, seed: int = 0) -> tuple[list[str], bool]:
    """Reference texts for the exposure test: the canary text with its secret randomised in format.

    Digits become random digits and letters random letters of the same case. When the whole space has at
    most ``n_candidates + 1`` secrets it is enumerated (exact exposure); otherwise ``n_candidates``
    distinct random secrets are drawn.

    Returns:
        The candidate texts (never the canary itself) and whether the space was enumerated.
    """
    space = _secret_space(canary.secret)
    size = math.prod(len(a) for a in space)
    if size <= n_candidates + 1:
        secrets = ("".join(p) for p in itertools.product(*space))
        enumerated = True
    else:
        rng = np.random.default_rng(seed)
        chosen: set[str] = set()
        while len(chosen) < n_candidates:
            chosen.add("".join(a[rng.integers(len(a))] if len(a) > 1 else a for a in space))
            chosen.discard(canary.secret)
        secrets, enumerated = iter(sorted(chosen)), False
    head, _, tail = canary.text.partition(canary.secret)
    return [head + s + tail for s in secrets if s != canary.secret], enumerated


def canary_exposure(canary: Canary, scorer: Scorer, n_candidates: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Exposure of a canary (Carlini et al. 2019, "The Secret Sharer"): ``log2(|R|) - log2(rank)``.

    ``scorer`` gives each text a log-likelihood under the model (higher = more likely). The canary is
    ranked among the candidates of :func:`exposure_candidates` (ties count half), and
    ``exposure = log2(m + 1) - log2(rank)`` with ``m`` candidates: an estimate of the exposure over the
    whole secret space, capped at ``log2(m + 1)``. About 1 bit means the model does not prefer the
    canary; the cap means it ranks the canary first.

    Returns:
        ``exposure``, ``rank``, ``n_candidates``, ``max_exposure`` and ``enumerated``.

    Raises:
        InputDataError: The scorer returns the wrong number of finite scores.
    """
    candidates, enumerated = exposure_candidates(canary, n_candidates, seed)
    scores = np.asarray(list(scorer([canary.text, *candidates])), dtype=float)
    if scores.shape != (len(candidates) + 1,) or not np.isfinite(scores).all():
        raise InputDataError(f"The canary scorer returned {scores.shape} scores for {len(candidates) + 1} texts "
                             "or non-finite values.", "Return one finite log-likelihood per text.")
    own, rest = scores[0], scores[1:]
    rank = 1.0 + float(np.sum(rest > own)) + 0.5 * float(np.sum(rest == own))
    top = math.log2(len(candidates) + 1)
    return {"exposure": top - math.log2(rank), "rank": rank, "n_candidates": len(candidates),
            "max_exposure": top, "enumerated": enumerated}


# --- similarity and utility --------------------------------------------------------------------------


def mean_embedding_cosine(real: np.ndarray, synthetic: np.ndarray) -> float:
    """Cosine similarity of the mean embedding of two corpora (1 = same centre, 0 = orthogonal)."""
    a, b = np.asarray(real, dtype=float).mean(axis=0), np.asarray(synthetic, dtype=float).mean(axis=0)
    denom = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b / denom) if denom > 0 else 0.0


def classifier_two_sample_auc(real: np.ndarray, synthetic: np.ndarray, seed: int = 0, folds: int = 5,
                              max_per_side: int = 2000) -> float | None:
    """Cross-validated ROC AUC of a logistic regression telling real from synthetic feature vectors.

    Both sides are subsampled to the same size (at most ``max_per_side``), so 0.5 means the classifier
    cannot tell them apart and 1 means it always can.

    Returns:
        The out-of-fold AUC, or ``None`` with fewer than ``2 * folds`` vectors on a side.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    size = min(len(real), len(synthetic), max_per_side)
    if size < 2 * folds:
        return None
    rng = np.random.default_rng(seed)
    x = np.vstack([real[rng.choice(len(real), size, replace=False)],
                   synthetic[rng.choice(len(synthetic), size, replace=False)]])
    y = np.r_[np.zeros(size), np.ones(size)]
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    proba = cross_val_predict(LogisticRegression(max_iter=1000), x, y, cv=cv, method="predict_proba")[:, 1]
    return float(roc_auc_score(y, proba))


def tfidf_classification(train_texts: Sequence[str], train_labels: Sequence[str], test_texts: Sequence[str],
                         test_labels: Sequence[str]) -> dict[str, float | None]:
    """Fit TF-IDF (words, 1-2 grams) + logistic regression on one set, score accuracy and macro-F1 on another.

    The logistic regression (``C=10``, Newton-CG) is multinomial over the training classes. Macro-F1
    averages over the classes of ``test_labels``. A single training class predicts that class; no training
    texts give ``None``.

    Returns:
        ``accuracy`` and ``macro_f1``, each in [0, 1].
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    if not train_texts or not test_texts:
        return {"accuracy": None, "macro_f1": None}
    y_test = np.asarray(test_labels, dtype=object)
    if len(set(train_labels)) == 1:
        pred = np.full(len(test_texts), train_labels[0], dtype=object)
    else:
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        x = vectorizer.fit_transform(train_texts)
        model = LogisticRegression(C=10.0, solver="newton-cg", max_iter=500)
        model.fit(x, np.asarray(train_labels, dtype=object))
        pred = model.predict(vectorizer.transform(test_texts))
    labels = sorted(set(y_test))
    return {"accuracy": float(accuracy_score(y_test, pred)),
            "macro_f1": float(f1_score(y_test, pred, labels=labels, average="macro", zero_division=0))}
