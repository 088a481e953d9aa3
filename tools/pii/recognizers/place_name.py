"""Place names from a gazetteer: cities, countries, states and regions the small spaCy model misses.

Uses the spaCy tokens Presidio already computed (no second NLP pass) and the place lists of
:mod:`~privsynth.tools.pii.recognizers._gazetteer`. The longest run of one to five tokens whose text is
a known place name is reported as ``LOCATION`` when its words are capitalised (``Espoo``, ``San
Bernardino``) or upper case (``LYCKSELE``, three letters or more), with a score by ambiguity:

* a place that is not also a person name and is a proper noun or no English word: 0.6, above the
  NER's own guess (0.5 after :mod:`~privsynth.tools.pii.postprocess`), which often calls a foreign town
  a person or an organisation;
* a place that is also a person name (``Victoria``, ``Salem``): 0.45, below the NER's verdict.

No place is reported right after an honorific or a quote attribution (:data:`PERSON_CUES`), nor a few
words before a company's legal form (:data:`LEGAL_FORMS`), nor when a place that is also a person name is
followed by a capitalised word that starts no place name (``Moira Pagan``: a given name and a surname).
A place preposition right before (``in``, ``to``, ``from``, ``near``...) adds :data:`CUE_BONUS`; it also
admits a lower-case place (``returned to kiel``) that is neither an English word nor a person name.
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privsynth.tools.pii.recognizers._gazetteer import max_place_tokens, place_names
from privsynth.tools.pii.recognizers._lexicon import english_words, name_lists
from privsynth.tools.pii.recognizers._tokens import token_rows

PLACE_PREPOSITIONS = frozenset({"in", "to", "from", "near", "at", "via", "across", "around", "outside", "inside",
                                "towards", "toward", "into", "visit", "visiting", "visited"})
PERSON_CUES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "herr", "frau", "says", "said",
                         "asks", "asked", "writes", "wrote", "adds", "added", "explains", "explained"})
"""Words right before a person's name: an honorific or a quote attribution (``Mrs. Lennox``, ``says Izumi``)."""
LEGAL_FORMS = frozenset({"inc", "incorporated", "corp", "corporation", "llc", "ltd", "limited", "gmbh", "plc", "co"})
"""Company legal forms: a place within the next three words names a company (``Stillwater Supercomputing Inc.``)."""
CUE_BONUS = 0.17
STRONG, AMBIGUOUS = 0.6, 0.45


class PlaceNameRecognizer(LocalRecognizer):
    """Recognize known city, country, state and region names as ``LOCATION``."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["LOCATION"], name="PlaceNameRecognizer", supported_language="en")

    def load(self) -> None:
        """Load the place, person-name and English word lists."""
        self.places = place_names()
        first, last = name_lists()
        self.person_names = first | last
        self.words = english_words()
        self.width = max_place_tokens()
        self.heads = frozenset(name.split()[0] for name in self.places if name.split())

    @staticmethod
    def _shape(tokens: list, lowercase_ok: bool) -> bool:
        """Whether the tokens look like a proper name: every alphabetic word capitalised or upper case."""
        words = [t.text for t in tokens if any(c.isalpha() for c in t.text)]
        if not words:
            return False
        if len(words) == 1 and words[0].isupper() and len(words[0]) < 3:
            return False
        if words[0][0].isupper():
            return all(w[0].isupper() or len(w) <= 3 for w in words)  # links such as "del", "upon"
        return lowercase_ok and all(w.islower() for w in words)

    @staticmethod
    def _before_company(tokens: list, end: int) -> bool:
        """Whether a company legal form follows within three tokens of ``end``."""
        return any(t.lower_.rstrip(".") in LEGAL_FORMS for t in tokens[end:end + 3])

    def _before_surname(self, tokens: list, end: int, value: str) -> bool:
        """Whether a place that is also a person name is followed by a surname (``Moira Pagan``)."""
        if value not in self.person_names or end >= len(tokens):
            return False
        after = tokens[end]
        return after.text[:1].isupper() and not after.text.isupper() and after.text.isalpha() \
            and after.lower_ not in self.heads

    def _score(self, tokens: list, cue: bool) -> float:
        value = " ".join(t.lower_ for t in tokens)
        lowercase = tokens[0].text.islower()
        if lowercase and (value in self.words or value in self.person_names or not cue):
            return 0.0
        if len(tokens) == 1 and (tokens[0].is_stop or len(tokens[0].text) < 3):
            return 0.0
        if value in self.person_names:
            score = AMBIGUOUS
        elif value in self.words and tokens[0].pos_ != "PROPN" and len(tokens) == 1:
            return 0.0  # a common word that is also a town ("Mobile", "Nice" at a sentence start)
        else:
            score = STRONG
        return score + (CUE_BONUS if cue else 0.0)

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """Find known place names among the analyzer's tokens.

        Args:
            text: The text.
            entities: Requested entity types.
            nlp_artifacts: Presidio's NLP results; without them nothing is found.

        Returns:
            One ``LOCATION`` result per place name found.
        """
        if (entities and "LOCATION" not in entities) or nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        tokens = token_rows(nlp_artifacts.tokens)
        results: list[RecognizerResult] = []
        i = 0
        while i < len(tokens):
            if tokens[i].lower_ not in self.heads:
                i += 1
                continue  # no place name starts with this word (the common case: one set lookup)
            previous = tokens[i - 1].lower_.rstrip(".") if i > 0 else ""
            if previous in PERSON_CUES:
                i += 1
                continue
            cue = previous in PLACE_PREPOSITIONS
            found = 0
            for n in range(min(self.width, len(tokens) - i), 0, -1):
                window = tokens[i:i + n]
                if not self._shape(window, lowercase_ok=cue):
                    continue
                value = text[window[0].idx:window[-1].idx + len(window[-1].text)].lower()
                if value in self.places and not self._before_company(tokens, i + n) \
                        and not self._before_surname(tokens, i + n, value):
                    score = self._score(window, cue)
                    if score:
                        found = n
                        start, end = window[0].idx, window[-1].idx + len(window[-1].text)
                        explanation = AnalysisExplanation(recognizer=self.name, original_score=score)
                        results.append(RecognizerResult(
                            "LOCATION", start, end, score, analysis_explanation=explanation,
                            recognition_metadata={"recognizer_name": self.name, "recognizer_identifier": self.id}))
                    break
            i += found or 1
        return results
