"""A small base class for recognizers whose entity is one named group of a larger regex.

Presidio's ``PatternRecognizer`` reports the whole match. Many cues sit *next to* the entity
("ZIP: 8592", "42 years old", "my name is Anna"), so :class:`GroupRegexRecognizer` matches the cue
and the entity together and reports only the named group ``ent`` as the span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts


class GroupRegexRecognizer(LocalRecognizer):
    """Report the ``ent`` group of each match of ``patterns`` (``(name, regex, score)`` triples).

    Args:
        entity: The entity type reported.
        name: The recognizer's name.
        patterns: ``(pattern name, regex with a group named ent, score)``; regexes are compiled with
            ``re.UNICODE`` and the flags given.
        flags: Extra ``re`` flags.
    """

    def __init__(self, entity: str, name: str, patterns: Sequence[tuple[str, str, float]], flags: int = 0) -> None:
        self._compiled = [(pname, re.compile(regex, flags | re.UNICODE), score) for pname, regex, score in patterns]
        super().__init__(supported_entities=[entity], name=name, supported_language="en")

    def load(self) -> None:  # noqa: D102 - nothing to load
        return None

    def validate(self, value: str) -> bool:
        """Return False to discard a matched value (subclasses override, e.g. a checksum)."""
        return bool(value.strip())

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """Find the entity groups in ``text``.

        Args:
            text: The text.
            entities: Requested entity types (empty or containing this recognizer's entity).
            nlp_artifacts: Unused.

        Returns:
            One result per valid match.
        """
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        results = []
        for pname, regex, score in self._compiled:
            for match in regex.finditer(text):
                start, end = match.span("ent")
                if start < 0 or end <= start or not self.validate(match.group("ent")):
                    continue
                explanation = AnalysisExplanation(recognizer=self.name, original_score=score, pattern_name=pname,
                                                  pattern=regex.pattern[:60])
                results.append(RecognizerResult(entity, start, end, score, analysis_explanation=explanation,
                                                recognition_metadata={"recognizer_name": self.name,
                                                                      "recognizer_identifier": self.id}))
        return results
