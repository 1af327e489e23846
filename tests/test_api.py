"""The documented library API: the examples in taskdedup's docstring run, and importing it is cheap."""

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import taskdedup

ROOT = Path(__file__).parents[1]


def test_the_docstring_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples read the bundled sample by its relative path
    outcome = doctest.testmod(taskdedup, optionflags=doctest.ELLIPSIS, raise_on_error=False)
    assert outcome.attempted >= 5 and outcome.failed == 0


def test_import_taskdedup_loads_no_heavy_library() -> None:
    script = "import sys, taskdedup; print(sorted(m for m in ('pandas', 'sklearn', 'numba', 'openpyxl', 'scipy') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_write_exports_writes_every_format_or_none(tmp_path: Path) -> None:
    result = taskdedup.run(taskdedup.read_table(str(ROOT / "data" / "samples" / "survey_2018.csv")), taskdedup.Settings())
    written = taskdedup.write_exports(result, [tmp_path / "r.xlsx", tmp_path / "m.csv"])
    assert [p.name for p in written] == ["r.xlsx", "m.csv"] and all(p.stat().st_size > 0 for p in written)
    from taskdedup.errors import OutputError

    with pytest.raises(OutputError, match="no known format"):
        taskdedup.write_exports(result, [tmp_path / "a.json", tmp_path / "b.pdf"])
    assert not (tmp_path / "a.json").exists()


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        taskdedup.nope  # noqa: B018


def test_version_help_and_early_errors_import_no_heavy_library() -> None:
    """`taskdedup --version`, `--help` and a bad option answer without loading the libraries the work needs."""
    script = (
        "import sys\n"
        "import taskdedup.cli\n"
        "from taskdedup.cli import main\n"
        "taskdedup.cli._leave = sys.exit  # return here instead of ending the process\n"
        "sys.argv = ['taskdedup'] + sys.argv[1:]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('pandas', 'sklearn', 'numba', 'openpyxl', 'scipy', 'numpy') if m in sys.modules)\n"
        "sys.stderr.write(f'HEAVY {heavy}\\n')\n"
    )
    for args in (["--version"], ["--help"], ["cluster", "--help"], ["cluster", "x.csv", "--threshold", "2"]):
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
        assert done.stderr.splitlines()[-1] == "HEAVY []", (args, done.stderr)
    # An input, a decisions file or an output folder that is not there is said before the work's libraries load.
    sample = "data/samples/survey_2018.csv"
    for args, said in (
        (["cluster", "missing.csv"], "Error: missing.csv: no such file; check the path"),
        (["cluster", "missing-*.csv"], "Error: missing-*.csv: no file matches; check the pattern"),
        (["cluster", sample, "--decisions", "missing.xlsx"], "Error: missing.xlsx: no such file; check the path"),
        (["cluster", sample, "-o", "missing/m.csv"], "Error: missing/m.csv: the folder missing does not exist; create it first"),
        (["link", sample, "missing.csv"], "Error: missing.csv: no such file; check the path"),
        (["apply", "missing.xlsx", "-o", "m.csv"], "Error: missing.xlsx: no such file; check the path"),
        (["tune", "missing.csv"], "Error: missing.csv: no such file; check the path"),
        (["evaluate", sample, "--pairs", "missing.csv"], "Error: missing.csv: no such file; check the path"),
        (["explain", "missing.csv", "1", "2"], "Error: missing.csv: no such file; check the path"),
        (["learn", sample, "missing.xlsx", "-o", "m.toml"], "Error: missing.xlsx: no such file; check the path"),
    ):
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
        assert done.stderr.splitlines() == [said, "HEAVY []"], (args, done.stderr)
