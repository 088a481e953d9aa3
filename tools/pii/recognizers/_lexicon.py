"""Word lists for name recognition: given names and surnames, and English dictionary words.

* **Names** come from Faker's person providers of all its locales (about 30,000 given names and
  28,000 surnames in many scripts), a public list that already ships with privsynth.
* **English words** come from the WordNet-derived ``lemma_index`` table inside the spaCy model
  (about 83,000 lemmas). A name that is also an English word (``Rose``, ``Will``, ``Mark``) is
  *ambiguous* and needs more evidence than a name that is not (``Mette``, ``Eklund``).

Both lists are loaded once per process (about 0.1 s).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path

from privsynth.logs import get_logger

log = get_logger(__name__)

_NAME_ATTRS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
               "first_romanized_names")


def _attr(cls: type, name: str) -> object:
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


@functools.lru_cache(maxsize=1)
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Return lower-cased (given names, surnames) from all of Faker's person locales."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        try:
            provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        except (ImportError, AttributeError):  # pragma: no cover - a broken locale is skipped
            continue
        for attr, target in [(a, first) for a in _NAME_ATTRS] + [("last_names", last), ("last_romanized_names", last)]:
            values = _attr(provider, attr)
            if isinstance(values, (list, tuple, dict, set, frozenset)):
                target.update(str(v).lower() for v in values if len(str(v)) > 1)
    return frozenset(first), frozenset(last)


@functools.lru_cache(maxsize=1)
def _lemma_tables() -> dict[str, frozenset[str]]:
    """Return the spaCy model's lemma index per part of speech (``noun``, ``verb``, ``adj``, ``adv``)."""
    from spacy.lookups import Lookups
    from spacy.strings import get_string_id

    from privsynth.tools.pii.constants import SPACY_MODEL

    try:
        base = Path(importlib.import_module(SPACY_MODEL).__file__).parent
        path = next(base.glob("*/lemmatizer/lookups"))
        table = Lookups().from_disk(path).get_table("lemma_index")
    except (ImportError, StopIteration, KeyError, OSError, ValueError) as exc:
        log.warning("pii_english_words_unavailable", error=str(exc))
        return {}
    tables: dict[str, frozenset[str]] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        values = table.get(get_string_id(pos)) or table.get(pos) or []
        tables[pos] = frozenset(w.lower() for w in values)
    return tables


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Return the spaCy model's English lemma index (empty when the model has none)."""
    return frozenset().union(*_lemma_tables().values())


@functools.lru_cache(maxsize=1)
def non_noun_words() -> frozenset[str]:
    """Return the verbs, adjectives and adverbs of the lemma index (``deal``, ``mobile``, ``normal``).

    WordNet's nouns include thousands of proper nouns (``Altoona``, ``Recife``), so a place name that is
    only a noun there is no sign of an everyday word; one that is also a verb or adjective is.
    """
    tables = _lemma_tables()
    return frozenset().union(*(words for pos, words in tables.items() if pos != "noun"))
