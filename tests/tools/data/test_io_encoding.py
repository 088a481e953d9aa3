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
