"""Person names known by the shape of their surname: ``Bekbolat Musliyevich``, ``Irakli Beridze``.

The small spaCy model often calls an unfamiliar two-word name an organisation, and the name lists
(:mod:`~privsynth.tools.pii.recognizers._lexicon`) cannot hold every surname. Many surnames carry a
family or patronymic suffix that marks them whatever the given name: Slavic ``-ov``/``-ova``/``-ovich``/
``-enko``/``-ski``/``-wicz``/``-vić``, Georgian ``-shvili``/``-dze``, Greek ``-opoulos``/``-akis``,
Armenian ``-yan``, Turkish ``-oğlu``, Nordic ``-sson``/``-dóttir``. A capitalised given name (optionally
an initial) followed by such a surname is a ``PERSON`` at :data:`SCORE`, above the NER's guess (0.5
after post-processing) and below the organisation recognizers that see a legal form (0.6), so
``Petrov Holdings Ltd`` stays a company.

The given name must be a known given name or no English word, and neither word may be a stop word, so
``Soviet Sakov`` or ``Grand Prix Borov`` are not taken for names by shape alone.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from privsynth.tools.pii.recognizers._lexicon import english_words, name_lists
from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

SURNAME_SUFFIXES = (
    "ovich|evich|ovych|ovna|evna|ovic|evic|ović|ević|vić|ić|enko|shvili|dze|opoulos|poulos|akis|idis|oğlu|oglu|"
    "yan|ov|ova|ev|eva|yev|yeva|ski|ska|sky|skaya|skiy|cki|cka|wicz|owski|ewski|sson|sdóttir|sdottir|dóttir"
)
SCORE = 0.58
_CAP = r"(?-i:[A-ZÀ-ÞĀ-Ž])[^\W\d_]+"
PATTERNS = [
    ("given_and_surname",
     rf"(?<![\w.-])(?P<ent>(?P<given>{_CAP})[ \t]+(?:(?-i:[A-Z])\.?[ \t]+)?(?P<family>{_CAP}(?:{SURNAME_SUFFIXES})))"
     r"(?![\w-])", SCORE),
]


class SurnameShapeRecognizer(GroupRegexRecognizer):
    """Recognize ``Given Surname`` pairs whose surname has a family-name suffix as ``PERSON``."""

    def __init__(self) -> None:
        super().__init__("PERSON", "SurnameShapeRecognizer", PATTERNS)

    def validate(self, value: str) -> bool:
        """Refuse pairs whose given name is an English word that is no given name, or a stop word.

        Args:
            value: The matched name.

        Returns:
            False when the first word is not plausibly a given name.
        """
        words = re.findall(r"[^\W\d_]+", value)
        if len(words) < 2:
            return False
        given, family = words[0].lower(), words[-1].lower()
        if given in STOP_WORDS or family in STOP_WORDS or family in english_words():
            return False
        first, _last = name_lists()
        return given in first or given not in english_words()
