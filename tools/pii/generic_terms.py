"""Words the NER takes for organisations that name no one: service acronyms and company departments.

The small spaCy model tags almost any upper-case abbreviation as an organisation (``PIN``, ``ATM``,
``CVV``, ``SMS``...) and also a team or department of the writer's company (``the Risk Department``,
``Customer Service``). :func:`is_generic_organization` recognises both, so that an ``ORGANIZATION``
that only the NER proposes can be dropped (real organisations with such names, ``UN`` or ``NATO``,
are not in the lists).
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._lexicon import english_words

COMMON_ACRONYMS = frozenset({
    # banking and payments
    "atm", "pin", "cvv", "cvc", "cvv2", "iban", "bic", "swift", "aba", "ach", "apr", "apy", "emi", "kyc", "aml",
    "pos", "eft", "nsf", "otp", "ssn", "ein", "tin", "itin", "dob", "vin", "pan", "upi", "sepa",
    # technology and messaging
    "sms", "mms", "ip", "vpn", "url", "pdf", "usb", "gps", "wifi", "wi-fi", "api", "ui", "ux", "faq", "mfa", "2fa",
    "sso", "os", "ssl", "tls", "dns", "lan", "wan", "cpu", "gpu", "ram", "ssd", "hdd", "qr", "nfc", "id", "ids",
    "ok", "fyi", "asap", "eta", "tba", "tbd", "n/a", "diy", "rsvp",
    # work and health benefits
    "hr", "pto", "hsa", "fsa", "cob", "eod", "kpi", "roi", "ceo", "cfo", "cto", "coo", "vp", "svp", "evp",
    "bmi", "icu", "er", "mri", "ct", "ecg", "ekg", "covid", "covid-19", "hiv", "std",
})
"""Lower-cased acronyms of everyday services, documents and roles, which name no organisation."""
UNIT_NOUNS = frozenset({"department", "dept", "team", "desk", "helpdesk", "service", "services", "division", "unit",
                        "office", "support", "center", "centre", "hotline", "staff", "management"})
"""Heads of a company's own units: ``Customer Service``, ``the Legal Team``, ``IT Helpdesk``."""


def is_generic_organization(value: str) -> bool:
    """Whether an organisation guess is an everyday acronym or a department made of common words.

    Args:
        value: The span's text.

    Returns:
        True for ``PIN``, ``ATM``, ``the Risk Department``, ``Customer Service``; False for names.
    """
    words = re.findall(r"[^\W_][\w/-]*", value.lower())
    if words and words[0] == "the":
        words = words[1:]
    if not words:
        return False
    if len(words) == 1 and words[0] in COMMON_ACRONYMS:
        return True
    vocabulary = english_words()
    return words[-1] in UNIT_NOUNS and all(w in vocabulary or w in COMMON_ACRONYMS for w in words)
