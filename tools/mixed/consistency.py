"""Does each synthetic row's text agree with the row's own structured values?

A reader (TF-IDF + logistic regression, :func:`privsynth.tools.metrics.text.tfidf_classification`'s model) is
trained on real texts to predict one structured column (a review's department or rating band) and then reads
two sets of rows it never saw: real held-out rows and synthetic rows. Its agreement with each row's own value is
the share of rows where the prediction equals the value. The synthetic rows' agreement over the real rows'
(``ratio``) says how much of the link between text and structured values the synthetic table keeps: 1 keeps all
of it, a ratio near the chance level over the real agreement keeps none.

These numbers read the real data: for the data owner only (not differentially private).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

MIN_TEXTS = 10


def _reader(texts: Sequence[str], values: Sequence[str]) -> Callable[[Sequence[str]], np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(values)) == 1:
        only = values[0]
        return lambda batch: np.full(len(batch), only, dtype=object)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    model = LogisticRegression(C=10.0, solver="newton-cg", max_iter=500)
    model.fit(vectorizer.fit_transform(list(texts)), np.asarray(values, dtype=object))
    return lambda batch: model.predict(vectorizer.transform(list(batch)))


def _pairs(texts: Sequence[Any], values: Sequence[Any]) -> tuple[list[str], list[str]]:
    kept = [(str(t), str(v)) for t, v in zip(texts, values, strict=True) if isinstance(t, str) and t.strip()]
    return [t for t, _ in kept], [v for _, v in kept]


def text_agreement(train: tuple[Sequence[Any], Sequence[Any]], real: tuple[Sequence[Any], Sequence[Any]],
                   synthetic: tuple[Sequence[Any], Sequence[Any]]) -> dict[str, Any]:
    """How often a reader trained on real texts agrees with the real and with the synthetic rows' values.

    Args:
        train: ``(texts, values)`` of the real rows the reader learns from.
        real: ``(texts, values)`` of real rows it never saw (the holdout).
        synthetic: ``(texts, values)`` of the synthetic rows (each text with its own row's value).

    Returns:
        ``{"real", "synthetic", "ratio", "chance", "n_train", "n_real", "n_synthetic"}``: the two agreements
        (shares in [0, 1]), synthetic over real, the share of the most common training value (a reader that
        ignores the text), and the counts; the agreements are None with fewer than :data:`MIN_TEXTS` texts.
    """
    (tx, ty), (rx, ry), (sx, sy) = _pairs(*train), _pairs(*real), _pairs(*synthetic)
    out: dict[str, Any] = {"n_train": len(tx), "n_real": len(rx), "n_synthetic": len(sx), "real": None,
                           "synthetic": None, "ratio": None, "chance": None}
    if min(len(tx), len(rx), len(sx)) < MIN_TEXTS:
        return out
    read = _reader(tx, ty)
    real_rate = float(np.mean(read(rx) == np.asarray(ry, dtype=object)))
    synth_rate = float(np.mean(read(sx) == np.asarray(sy, dtype=object)))
    values, counts = np.unique(np.asarray(ty, dtype=object), return_counts=True)
    out.update(real=real_rate, synthetic=synth_rate, ratio=synth_rate / real_rate if real_rate > 0 else None,
               chance=float(counts.max() / counts.sum()) if len(values) else None)
    return out
