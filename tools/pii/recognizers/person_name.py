"""Person names the small spaCy model misses or mistypes, found with name lists and token shape.

Uses the spaCy tokens Presidio already computed (no second NLP pass). A token starts a name when it
is a known given name or surname (:mod:`~privsynth.tools.pii.recognizers._lexicon`), is not a stop
word, and either

* is capitalised and not an English word (``Mette``, ``Eklund``, ``Rubija``): score 0.6 (0.65 for a
  given name followed by a known surname, whatever the words);
* is capitalised, an English word, and tagged as a proper noun (``Scott``, ``Victoria``): score 0.45,
  below the NER's own verdict, so a place called Victoria stays a place; such a word alone (not
  followed by more name tokens) is left to the NER ("Love", "Sunday", "Day" are not names there);
* is lower case, a given name, not an English word, and tagged as a noun or proper noun
  (``bertram``, ``naomi ryan`` in informal text): score 0.45.

The span then extends over following surname-like tokens: initials (``M.``), known names, and
capitalised non-dictionary words (``Ján M. Novák``).
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privsynth.tools.pii.recognizers._lexicon import english_words, name_lists
from privsynth.tools.pii.recognizers._tokens import token_rows

_NOUNS = frozenset({"PROPN", "NOUN"})


class NameListRecognizer(LocalRecognizer):
    """Recognize given names and surnames from name lists as ``PERSON``."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="NameListRecognizer", supported_language="en")

    def load(self) -> None:
        """Load the name lists and the English word list."""
        self.first, self.last = name_lists()
        self.names = self.first | self.last
        self.words = english_words()

    def _start_score(self, token: object) -> float:
        text, lower = token.text, token.lower_
        if len(text) < 2 or token.is_stop or not text.isalpha() or lower not in self.names:
            return 0.0
        if text[0].isupper() and not text.isupper():
            if lower not in self.words:
                return 0.6
            return 0.45 if token.pos_ == "PROPN" else 0.0
        if text.islower() and len(text) > 2 and lower in self.first and lower not in self.words:
            return 0.45 if token.pos_ in _NOUNS else 0.0
        return 0.0

    def _continues(self, token: object, lowercase: bool) -> bool:
        text, lower = token.text, token.lower_
        if token.is_stop or not text.replace(".", "").replace("-", "").isalpha():
            return False
        if lowercase:
            return text.islower() and lower in self.names and lower not in self.words
        if len(text.rstrip(".")) == 1 and text[0].isupper():
            return True  # an initial
        return text[0].isupper() and not text.isupper() and (lower in self.names or lower not in self.words)

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """Find names among the analyzer's tokens.

        Args:
            text: The text.
            entities: Requested entity types.
            nlp_artifacts: Presidio's NLP results; without them nothing is found.

        Returns:
            One ``PERSON`` result per name found.
        """
        if (entities and "PERSON" not in entities) or nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        tokens = token_rows(nlp_artifacts.tokens)
        results: list[RecognizerResult] = []
        i = 0
        while i < len(tokens):
            score = self._start_score(tokens[i])
            if not score:
                i += 1
                continue
            lowercase = tokens[i].text.islower()
            j = i + 1
            while j < len(tokens) and j - i < 4 and not tokens[j - 1].whitespace_.count("\n") \
                    and self._continues(tokens[j], lowercase):
                j += 1
            while j - 1 > i and len(tokens[j - 1].text.rstrip(".")) == 1:
                j -= 1  # a name does not end on an initial
            if j - i >= 2 and tokens[i].lower_ in self.first and tokens[j - 1].lower_ in self.last:
                score = max(score, 0.65)  # a given name followed by a surname
            elif j - i == 1 and tokens[i].lower_ in self.words:
                i = j  # a lone name that is also an English word ("Love", "Sunday"): left to the NER
                continue
            start, end = tokens[i].idx, tokens[j - 1].idx + len(tokens[j - 1].text)
            explanation = AnalysisExplanation(recognizer=self.name, original_score=score)
            results.append(RecognizerResult("PERSON", start, end, score, analysis_explanation=explanation,
                                            recognition_metadata={"recognizer_name": self.name,
                                                                  "recognizer_identifier": self.id}))
            i = j
        return results
