"""The in-place context enhancer scores exactly as Presidio's, without deep-copying the results."""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from privsynth.tools.pii.engine import InPlaceContextEnhancer, get_analyzer

TEXTS = ["Please call my phone number 212-555-0143 after six.", "Her zip code is 94110 and she lives in Ohio.",
         "The card 4111 1111 1111 1111 expires soon; email ann@example.org with the licence D1234567."]


def _scores(enhancer: object) -> list[list[tuple[int, int, str, float]]]:
    analyzer = get_analyzer()
    saved = analyzer.context_aware_enhancer
    analyzer.context_aware_enhancer = enhancer
    try:
        return [sorted((r.start, r.end, r.entity_type, round(r.score, 6)) for r in analyzer.analyze(t, language="en"))
                for t in TEXTS]
    finally:
        analyzer.context_aware_enhancer = saved


def test_analyzer_uses_the_in_place_enhancer() -> None:
    assert isinstance(get_analyzer().context_aware_enhancer, InPlaceContextEnhancer)


def test_same_scores_as_presidio() -> None:
    assert _scores(InPlaceContextEnhancer()) == _scores(LemmaContextAwareEnhancer())


def test_results_are_updated_in_place() -> None:
    text = "my phone number is 212-555-0143"
    analyzer = get_analyzer()
    artifacts = analyzer.nlp_engine.process_text(text, "en")
    recognizers = analyzer.registry.get_recognizers(language="en", all_fields=True)
    phone = next(r for r in recognizers if "PHONE_NUMBER" in r.supported_entities and r.context)
    explanation = AnalysisExplanation(recognizer=phone.name, original_score=0.3)
    result = RecognizerResult("PHONE_NUMBER", 19, 31, 0.3, analysis_explanation=explanation, recognition_metadata={
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: phone.id, RecognizerResult.RECOGNIZER_NAME_KEY: phone.name})
    out = InPlaceContextEnhancer().enhance_using_context(text, [result], artifacts, recognizers)
    assert out[0] is result and result.score > 0.3
