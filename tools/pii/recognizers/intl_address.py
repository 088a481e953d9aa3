"""Street addresses outside the US pattern: European streets, post-office boxes, military mail, units.

Patterns (entity ``ADDRESS``):

* a street word with a street-type ending or prefix in common European languages, with a house
  number (``Koskikatu 25``, ``Mellemvej 32``, ``Erzsébet tér 19.``, ``Rua Igreja 25``, ``ul. Zakrzowska 92``,
  ``4241 Steinfelden 73``), or with the house number first, before a capitalised street prefix, up to a comma
  or the line's end (``15 Rue de la Paix``, ``8 Via Garibaldi``);
* post-office boxes (``P.O. Box 287``) and US military addresses (``PSC 1437, Box 3833``, ``APO AA 66791``);
* units (``Apt. 864``, ``Suite 282``), which alone score low and mainly glue address parts together.

The city, region, country and postal-code lines after a street are absorbed by the address
extension in :mod:`privsynth.tools.pii.postprocess`.

A lone common word followed by a year is a date, not a street, even when the word happens to end like
one (``during 2019``, ``Spring 2021``: ``-ring`` is a German street ending); :meth:`validate` drops it.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from privsynth.tools.pii.recognizers._lexicon import english_words
from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_L = r"[^\W\d_]"  # any letter, any script
_ENDINGS = (
    r"vej|vejen|gade|gaden|katu|tie|polku|kuja|straße|strasse|str\.|weg|gasse|laan|straat|gata|gatan|"
    r"väg|vägen|veien|vei|gate|gaten|utca|út|útja|tér|körút|sor|allee|platz|ring|damm|ufer|plein|kade|"
    r"gracht|singel|brücke|brug|torget|torg|stig|stien|sti|bakken|høj|lund|vænget|park|hof|markt|graben|krogen|"
    r"vegen|veg|stræde|torv|plads|allé|alle|tori|väylä|rinne|mäki|ranta|tanya"
)
_PREFIXES = (
    r"Rua|Rúa|Via|Viale|Vicolo|Calle|Carrer|Avenida|Av\.|Avenue|Rue|Route|Chemin|Boulevard|Bd\.|Piazza|"
    r"Praça|Largo|Travessa|Estrada|Camino|Paseo|Plaza|Plac|ul\.|ulica|al\.|Aleja|Strada|Str\.|Quinta|"
    r"Ulitsa|Ul\.|Pr\.|Prospekt|Odos|Leoforos|Carretera|Ronda|Rambla|C/|Avda\.?|Avinguda|Passeig|Plaça|Travesía|"
    r"Callejón|Pasaje|Alameda|Rodovia|Ladeira|Beco|Viela|Corso|Piazzale|Vicolo|Lungomare|Quai|Impasse|Allée|Cours|"
    r"Calçada"
)
_WORD_YEAR = re.compile(r"([^\W\d_]+)\s+(?:1[89]|20)\d\d\.?")
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,4})?\.?"
_HOUSE = r"(?:\d{1,6}\s+)?"
_UNIT = r"(?:\s*,?\s*(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Fl\.?|Floor|#)\s*#?\d{1,5}[A-Za-z]?)?"
PATTERNS = [
    ("street_type_ending",
     rf"(?<![\w.])(?P<ent>{_HOUSE}(?:(?-i:[A-ZÀ-ÞĀ-Ž]){_L}*[ -]){{0,3}}{_L}*(?:{_ENDINGS})\s+{_NUMBER}{_UNIT})(?!\w)",
     0.6),
    ("street_type_prefix",
     rf"(?<![\w.])(?P<ent>{_HOUSE}(?:{_PREFIXES})\s+(?:{_L}[\w'.-]*\s+){{0,4}}?(?:{_L}[\w'.-]*,[ \t]*)?"
     rf"{_NUMBER}{_UNIT})(?!\w)", 0.6),
    ("house_then_prefix",
     rf"(?<![\w.])(?P<ent>\d{{1,5}}(?:[ ]?(?:bis|ter))?,?[ \t]+(?-i:{_PREFIXES})[ \t]+(?:{_L}[\w'’.-]*[ \t]+){{0,4}}"
     rf"{_L}[\w'’.-]*)(?=[ \t]*(?:,|\n|$))", 0.6),
    ("po_box", r"(?<!\w)(?P<ent>(?:\d{1,6}\s+)?(?:P\.?\s?O\.?\s?Box|Post Office Box|Postfach|Apartado)\s+\d{1,6}"
               rf"{_UNIT})(?!\w)", 0.7),
    ("military", r"(?<!\w)(?P<ent>(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{1,5}(?:\s+(?:APO|FPO|DPO)\s+(?:AA|AE|AP)"
                 r"\s+\d{5})?|(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5})(?!\w)", 0.7),
    ("unit", r"(?<!\w)(?P<ent>(?-i:Apt\.?|Apartment|Suite|Ste\.|Unit|Flat)\s*#?\d{1,5}[A-Za-z]?)(?!\w)", 0.45),
]


class InternationalAddressRecognizer(GroupRegexRecognizer):
    """Recognize European-style streets, PO boxes, military addresses and units as ``ADDRESS``."""

    def __init__(self) -> None:
        super().__init__("ADDRESS", "InternationalAddressRecognizer", PATTERNS, flags=re.IGNORECASE)

    def validate(self, value: str) -> bool:
        """Drop a lone lower-case or dictionary word followed by a year (``during 2019``: a date).

        Args:
            value: The matched address.

        Returns:
            False for a word-and-year match that is not a street.
        """
        match = _WORD_YEAR.fullmatch(value.strip())
        if match is not None:
            word = match.group(1)
            if word.islower() or word.lower() in english_words() or word.lower() in STOP_WORDS:
                return False
        return super().validate(value)
