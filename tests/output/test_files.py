"""Outputs are checked before any work and written whole or not at all."""

from pathlib import Path

import pytest

from taskdedup.errors import OutputError
from taskdedup.output.files import check_output_path, write_outputs


def test_write_outputs_is_all_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "a.csv"
    good.write_text("old")
    bad = tmp_path / "missing-folder" / "b.csv"
    with pytest.raises(OutputError):
        write_outputs({good: b"new", bad: b"x"})
    assert good.read_text() == "old"  # not replaced: the second file failed first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # no temporary files left



def test_write_outputs_replaces_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.csv"
    write_outputs({a: b"1", b: b"2"})
    assert (a.read_bytes(), b.read_bytes()) == (b"1", b"2")
    assert a.stat().st_mode & 0o644 == 0o644



def test_output_checks(tmp_path: Path, fixtures: Path) -> None:
    with pytest.raises(OutputError, match="the folder .* does not exist; create it first"):
        check_output_path(tmp_path / "nope" / "x.csv")
    with pytest.raises(OutputError, match="is the input file; choose another output name"):
        check_output_path(fixtures / "survey_utf8.csv", inputs=[str(fixtures / "survey_utf8.csv")])
