"""Reading a table in another text encoding: a clear error without ``encoding``, the right text with it."""

from __future__ import annotations

import pytest

from privsynth.errors import InputDataError
from privsynth.tools.data.io import read_table


def test_latin1_csv_needs_and_accepts_an_encoding(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("city,n\nMünchen,1\nZürich,2\n".encode("latin-1"))
    with pytest.raises(InputDataError) as err:
        read_table(path)
    assert "--encoding" in err.value.fix and "München" not in str(err.value)
    assert read_table(path, "latin-1")["city"].tolist() == ["München", "Zürich"]
    with pytest.raises(InputDataError, match="Unknown text encoding"):
        read_table(path, "klingon-8")


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path) -> None:
    from privsynth.tools.data.discovery.header import read_header

    path = tmp_path / "excel.csv"
    path.write_text("age,sex\n30,F\n41,M\n", encoding="utf-8-sig")  # what Excel's "CSV UTF-8" writes
    assert read_header(path) == ["age", "sex"] == list(read_table(path).columns)


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_a_csv_separated_by_another_character_is_read_by_its_header(tmp_path, sep: str) -> None:
    from privsynth.tools.data.discovery.header import read_header

    path = tmp_path / "export.csv"
    path.write_text(f"age{sep}city{sep}score\n30{sep}Lyon{sep}1,5\n41{sep}Paris{sep}2\n", encoding="utf-8")
    table = read_table(path)
    assert read_header(path) == ["age", "city", "score"] == list(table.columns)
    assert table["city"].tolist() == ["Lyon", "Paris"]
    commas = tmp_path / "plain.csv"
    commas.write_text("a;b,c\n1;2,3\n", encoding="utf-8")  # a comma in the header: commas separate
    assert read_header(commas) == ["a;b", "c"]
