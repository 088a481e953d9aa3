"""Driver's licence numbers announced by a cue: ``driver's license number is 58391047``, ``DL# S530-4507-3428``.

Presidio's US licence recognizer matches bare shapes (a letter and digits, or 6 to 14 digits) at a low
score and relies on context words to lift it; a hyphenated number (``D123-4567-8901``) is cut after its
first group and an all-digit number often stays below the threshold. Here the cue comes first and the
number is what follows after at most three filler words or signs ("number", "no.", "is", ":" and the
like), whatever its US state's format: one to three letters and digits, 5 to 20 characters
with at least 4 digits, groups joined by hyphens or spaces. Entity ``US_DRIVER_LICENSE``, score 0.75.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_CUE = (r"\b(?:driver'?s?'?|driving|drivers)[ \t]+(?:licen[cs]e|permit)s?(?:[ \t]+(?:number|no\.?|num|#|id))?"
        r"|\bDL[ \t]*(?:#|no\.?|number)?|\blicen[cs]e[ \t]+(?:number|no\.?|#)")
_GAP = r"(?:[ \t]*(?:[:#=]|is|was|reads|of|number|no\.?)?[ \t]*){1,3}"
_ID = r"(?=[A-Z0-9-]*\d{2}[A-Z0-9-]*\d{2})[A-Z]{0,3}\d[A-Z0-9]*(?:[- ](?=[A-Z]{0,2}\d)[A-Z0-9]{2,6}){0,4}"
PATTERNS = [("cued_driver_license", rf"(?:{_CUE}){_GAP}(?P<ent>{_ID})(?![\w-])", 0.75)]


class DriverLicenseRecognizer(GroupRegexRecognizer):
    """Recognize driver's licence numbers after a licence cue as ``US_DRIVER_LICENSE``."""

    def __init__(self) -> None:
        super().__init__("US_DRIVER_LICENSE", "DriverLicenseRecognizer", PATTERNS, flags=re.IGNORECASE)

    def validate(self, value: str) -> bool:
        """Keep 5 to 20 characters with at least four digits.

        Args:
            value: The matched number.

        Returns:
            True for a plausible licence number.
        """
        compact = re.sub(r"[- ]", "", value)
        return 5 <= len(compact) <= 20 and sum(c.isdigit() for c in compact) >= 4
