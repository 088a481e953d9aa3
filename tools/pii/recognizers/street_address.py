"""US street addresses, which the spaCy model mostly misses (it tags only the city, if anything).

Two patterns, both starting with a house number and capitalized street words, with an optional unit
(``Apt. 960``, ``Suite 824``, ``#12``):

* a street ending in a common USPS suffix (``5634 Jon Stream Apt. 960``), with or without a tail;
* any street followed by a ``City, ST 12345`` tail (``669 Maynard Dale Suite 102, Robinsonchester,
  WI 82637``), whose suffix need not be in the list.

The entity type is ``ADDRESS`` (Presidio has no built-in street-address entity; ``LOCATION`` is
spaCy's, for places in general).
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

_SUFFIXES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|"
    "Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Plaza|Loop|Alley|Crescent|Row|Path|Pike|"
    "Junction|Crossing|Estates?|Gardens?|Heights|Hills?|Manor|Meadows?|Mountains?|Park|Ridge|Creek|"
    "Valley|Views?|Village|Walk|Bridge|Brooks?|Dale|Glen|Grove|Harbor|Lake|Point|Ports?|Shores?|"
    "Springs?|Station|Stream|Track|Turnpike|Skyway|Expressway|Freeway|Center|Close|Mews|"
    # the other spelled-out USPS street suffixes (Publication 28, appendix C1), singular and plural
    "Branch|Burgs?|Bypass|Camp|Canyon|Cape|Causeway|Centers|Circles|Cliffs?|Club|Common|Corners?|Course|"
    "Courts|Coves?|Crest|Crossroad|Curve|Dam|Divide|Drives|Extensions?|Falls?|Ferry|Fields?|Flats?|Fords?|"
    "Forest|Forges?|Forks?|Fort|Gateway|Glens|Greens?|Groves|Harbors|Haven|Hollow|Inlet|Islands?|Isle|"
    "Junctions|Keys?|Knolls?|Lakes|Landing|Lights?|Loaf|Locks?|Lodge|Mall|Manors|Mills?|Mission|Motorway|"
    "Mount|Neck|Orchard|Oval|Overpass|Parks|Parkways|Pass|Passage|Pines?|Plains?|Points|Prairie|Radial|"
    "Ramp|Ranch|Rapids?|Rest|Ridges|River|Roads|Route|Run|Shoals?|Spurs?|Squares|Stravenue|Streets|Summit|"
    "Trace|Trafficway|Tunnel|Underpass|Unions?|Valleys|Viaduct|Villages|Ville|Vista|Walks|Wall|Ways|Wells?"
)
_HOUSE = r"\b\d{1,6}\s+(?:[A-Z][A-Za-z'.-]*\s+){0,3}[A-Z][A-Za-z'.-]*"
_UNIT = r"(?:,?\s+(?:Apt\.?|Suite|Ste\.?|Unit|#)\s?[\w-]{1,6})?"
_TAIL = r",?\s+(?:[A-Z][A-Za-z.'-]*\s){0,3}[A-Z][A-Za-z.'-]*,\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
# Presidio matches with IGNORECASE by default; capitalization matters here, so switch it off locally.
SUFFIX_PATTERN = rf"(?-i:{_HOUSE}\s+(?:{_SUFFIXES})\b\.?{_UNIT}(?:{_TAIL})?)"
TAIL_PATTERN = rf"(?-i:{_HOUSE}{_UNIT}{_TAIL})"


class StreetAddressRecognizer(PatternRecognizer):
    """Recognize US street addresses (with optional unit and city/state/ZIP) as ``ADDRESS``."""

    PATTERNS = [
        Pattern("us_street_with_suffix", SUFFIX_PATTERN, 0.6),
        Pattern("us_street_with_city_state_zip", TAIL_PATTERN, 0.7),
    ]
    CONTEXT = ["address", "street", "lives", "live", "residence", "mailing", "ship"]

    def __init__(self) -> None:
        super().__init__(supported_entity="ADDRESS", name="StreetAddressRecognizer", patterns=self.PATTERNS,
                         context=self.CONTEXT, supported_language="en")
