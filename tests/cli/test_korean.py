"""Korean for messages, help and every export: --lang ko|en, defaulting from the locale."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from taskdedup.cli import app
from taskdedup.cli.help import help_texts, localized
from taskdedup.cli.language import argv_language
from taskdedup.errors import InputError
from taskdedup.messages import catalogue, locale_language, msg, translate

runner = CliRunner()
ROOT = Path(__file__).parents[2]
SAMPLE = str(ROOT / "data" / "samples" / "survey_2018.csv")
BLANK = str(ROOT / "tests" / "fixtures" / "blank_text.csv")
LEXICAL = ("--similarity", "lexical")


def _catalogue_tool():
    spec = importlib.util.spec_from_file_location("catalogue_tool", ROOT / "tools" / "catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_and_help_text_has_a_korean_translation_and_the_mo_is_current() -> None:
    tool = _catalogue_tool()
    assert tool.main(check=True) == 0, "run: python tools/catalogue.py, then translate the new entries in taskdedup.po"
    # and the check can fail: a template the catalogue lacks
    assert "a message nobody translated" not in set(tool.wanted())


def test_a_message_is_its_english_text_and_translates_with_its_values() -> None:
    inner = msg("{path}: no such file; check the path", path="a.csv")
    outer = msg("Error: {message}", message=inner)
    assert outer == "Error: a.csv: no such file; check the path"
    assert isinstance(outer, str)
    assert outer.translate("ko") == "오류: a.csv: 그런 파일이 없습니다. 경로를 확인하세요"
    assert translate(InputError(inner), "ko") == "a.csv: 그런 파일이 없습니다. 경로를 확인하세요"
    assert translate("plain text", "ko") == "plain text"
    assert msg("{limit:,} rows", limit=1048575) == "1,048,575 rows"  # format specs as in f-strings


def test_every_korean_template_names_the_same_values_as_its_english_one() -> None:
    import re

    names = re.compile(r"\{([^{}:!]*)")
    ko = catalogue("ko")
    for english, korean in ko._catalog.items():  # type: ignore[attr-defined]
        if english:
            assert sorted(names.findall(english)) == sorted(names.findall(korean)), english


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "ko_KR.eucKR"}, "ko"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({}, None),
        ({"LANGUAGE": "ko:en", "LANG": "en_US.UTF-8"}, "ko"),  # gettext's order: LANGUAGE first
        ({"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),
        ({"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "C"}, "ko"),
    ],
)
def test_the_locale_names_the_language(environ: dict[str, str], expected: str | None) -> None:
    assert locale_language(environ) == expected


def test_help_language_is_read_from_the_command_line_before_parsing() -> None:
    assert argv_language(["cluster", "x.csv", "--lang", "ko", "--help"]) == "ko"
    assert argv_language(["cluster", "--lang=en"]) == "en"
    assert argv_language(["cluster", "--", "--lang", "ko"]) is None
    assert argv_language(["cluster", "--lang", "fr"]) is None


def test_errors_follow_the_korean_locale_and_lang_overrides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    r = runner.invoke(app, ["cluster", "missing.csv"])
    assert r.exit_code == 1
    assert r.stderr == "오류: missing.csv: 그런 파일이 없습니다. 경로를 확인하세요\n"
    r = runner.invoke(app, ["cluster", "missing.csv", "--lang", "en"])
    assert r.stderr == "Error: missing.csv: no such file; check the path\n"


def test_usage_errors_in_korean() -> None:
    r = runner.invoke(app, ["cluster", SAMPLE, "--lang", "ko", "--threshold", "2"], prog_name="taskdedup")
    assert r.exit_code == 2
    assert r.stderr == (
        "오류: '--threshold' 값이 잘못되었습니다: 2은(는) (0, 1] 범위가 아닙니다 (1이면 똑같은 텍스트만 묶습니다) "
        "('taskdedup cluster --help' 참고)\n"
    )
    r = runner.invoke(app, ["apply", "--lang", "ko"], prog_name="taskdedup")
    assert r.exit_code == 2
    assert r.stderr == "오류: 인자 'REVIEW'이(가) 없습니다. ('taskdedup apply --help' 참고)\n"


def _help(*args: str, lang: str) -> str:
    """--help through the console entry point, as a user runs it."""
    env = {**os.environ, "LANG": lang, "COLUMNS": "100"}
    done = subprocess.run([str(Path(sys.executable).parent / "taskdedup"), *args], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_in_korean() -> None:
    korean = _help("cluster", "--help", lang="ko_KR.UTF-8")
    assert korean.startswith("사용법: taskdedup cluster [OPTIONS] {INPUT}...\n\n  비슷한 과제 제안을 묶고 병합을 제안합니다.\n")
    assert "옵션:" in korean and "이 도움말을 보여 주고 끝냅니다." in korean and "[기본: average]" in korean
    assert "Show this message" not in korean
    assert _help("cluster", "--help", "--lang", "ko", lang="C.UTF-8") == korean  # --lang read before Click parses
    english = _help("cluster", "--help", lang="en_US.UTF-8")
    assert english.startswith("Usage: taskdedup cluster") and "Show this message and exit." in english
    # every help text of the tree is Korean: no English line left over
    korean = localized(app, "ko")
    untranslated = [getattr(o, n) for o, n in help_texts(korean) if getattr(o, n).isascii()]
    assert untranslated == []


def test_korean_run_terminal_notices_workbook_and_csv(tmp_path: Path) -> None:
    xlsx, members = tmp_path / "검토.xlsx", tmp_path / "members.csv"
    r = runner.invoke(app, ["cluster", BLANK, *LEXICAL, "--lang", "ko", "-o", str(xlsx), "-o", str(members)])
    assert r.exit_code == 0, r.output
    assert "알림: 완전히 빈 행 1개를 무시했습니다" in r.stderr
    assert f"{members} 저장함" in r.stderr
    assert ": 4행 읽음, 2행 제외, " in r.stdout  # the blank row is ignored, not read
    book = openpyxl.load_workbook(xlsx, read_only=True)
    notices = [row[1] for row in book["요약"].iter_rows(values_only=True) if row[0] == "알림"]
    assert "완전히 빈 행 1개를 무시했습니다" in notices
    rows = list(csv.reader(io.StringIO(members.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["군집번호", "과제 수", "유형", "주제번호", "번호", "행", "기관", "분야", "과제명", "대표", "대표와 일치 확률",
                       "대표와 유사도", "공유 핵심어", "상태", "파일"]
    kinds, flags, states = {r[2] for r in rows[1:]}, {r[9] for r in rows[1:]}, {r[13] for r in rows[1:]}
    assert kinds <= {"기관 간 중복", "기관 내 중복", "기관 미상", "단독", ""} and "기관 간 중복" in kinds
    assert flags == {"예", ""}
    assert states == {"군집됨", "제외: 내용 없음", "제외: 비교할 단어 없음"}


def test_english_run_writes_english_notices_in_the_english_workbook(tmp_path: Path) -> None:
    xlsx = tmp_path / "review.xlsx"
    r = runner.invoke(app, ["cluster", BLANK, *LEXICAL, "--lang", "en", "-o", str(xlsx)])
    assert r.exit_code == 0, r.output
    book = openpyxl.load_workbook(xlsx, read_only=True)
    notices = [row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0] == "Notice"]
    assert "ignored 1 completely blank row(s)" in notices


def test_without_a_language_exports_keep_their_defaults_and_the_locale_chooses_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def run(name: str) -> tuple[list[str], str]:
        xlsx, members = tmp_path / f"{name}.xlsx", tmp_path / f"{name}.csv"
        r = runner.invoke(app, ["cluster", SAMPLE, *LEXICAL, "-q", "-o", str(xlsx), "-o", str(members)])
        assert r.exit_code == 0, r.output
        return openpyxl.load_workbook(xlsx, read_only=True).sheetnames[:2], members.read_bytes().decode("utf-8-sig").split(",", 1)[0]

    assert run("c") == (["사용법", "요약"], "cluster_id")  # LANG=C.UTF-8 (conftest): Korean workbook, English CSV
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert run("ko") == (["사용법", "요약"], "군집번호")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run("en") == (["How to use", "Summary"], "cluster_id")


def test_the_configuration_file_sets_the_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "taskdedup.toml").write_text('lang = "ko"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["cluster", "missing.csv"])
    assert r.stderr == "오류: missing.csv: 그런 파일이 없습니다. 경로를 확인하세요\n"


def test_apply_speaks_and_writes_the_language(tmp_path: Path) -> None:
    review = tmp_path / "review.xlsx"
    assert runner.invoke(app, ["cluster", str(ROOT / "data" / "samples" / "survey_2018.xlsx"), *LEXICAL, "-q", "-o", str(review)]).exit_code == 0
    book = openpyxl.load_workbook(review)
    for row, decision in enumerate(["병합", "병합", "분리", "보류", "병합"], start=2):
        book["병합제안"].cell(row, 4).value = decision
    book.save(review)
    merged_csv, merged_xlsx = tmp_path / "통합.csv", tmp_path / "merged.xlsx"
    r = runner.invoke(app, ["apply", str(review), "-o", str(merged_csv), "--lang", "ko"])
    assert r.exit_code == 0, r.output
    assert r.stdout == ("과제 52개 -> 43행: 과제 12개에서 병합된 사업 3개, 그대로 둔 과제 40개 "
                        "(결정: 병합 3, 분리 1, 보류 1, 미결정 10)\n")
    rows = list(csv.reader(io.StringIO(merged_csv.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["구분", "제안 키", "주관 기관", "참여 기관", "과제 수", "과제 번호", "과제명", "의견"]
    assert rows[1][0] == "병합" and {r[0] for r in rows[1:]} == {"병합", "단독"}
    r = runner.invoke(app, ["apply", str(review), "-o", str(merged_xlsx), "--lang", "en"])
    assert r.exit_code == 0, r.output
    sheet = openpyxl.load_workbook(merged_xlsx)["Merged tasks"]
    assert [c.value for c in sheet[1]][:3] == ["Kind", "Proposal key", "Lead agency"] and sheet["A2"].value == "merged"


def test_the_report_in_english_has_no_korean_but_the_data(tmp_path: Path) -> None:
    import re

    ko, en = tmp_path / "ko.html", tmp_path / "en.html"
    assert runner.invoke(app, ["cluster", SAMPLE, *LEXICAL, "-q", "-o", str(ko)]).exit_code == 0
    assert runner.invoke(app, ["cluster", SAMPLE, *LEXICAL, "-q", "-o", str(en), "--lang", "en"]).exit_code == 0
    english, korean = en.read_text(encoding="utf-8"), ko.read_text(encoding="utf-8")
    assert '<html lang="en">' in english and "<h1>taskdedup merge proposals</h1>" in english and "cross-agency ·" in english
    assert '<html lang="ko">' in korean and "기관 간 중복 ·" in korean
    # none of the Korean report's own words is left in the English one (the survey's text stays as written)
    from taskdedup.output.report import KO

    phrases = {p for text in KO.values() for p in re.findall(r"[가-힣][가-힣 ]*[가-힣]|[가-힣]", re.sub(r"\{[^}]*\}", " ", text))}
    assert phrases and [p for p in phrases if p in korean]  # the check can fail: the Korean report holds them
    assert [p for p in phrases if p in english] == []


def test_explain_and_the_progress_bars_in_korean() -> None:
    from rich.console import Console
    from rich.progress import Progress

    r = runner.invoke(app, ["explain", SAMPLE, "1", "2", *LEXICAL, "--lang", "ko"])
    assert r.exit_code == 0, r.output
    assert "이 쌍이 한 사업일 확률 " in r.stdout and "공유 단어 (A의 가중치 x B의 가중치 = 기여도):" in r.stdout
    from taskdedup.output.progress import Bars

    with Progress(console=Console(file=io.StringIO()), transient=True) as progress:
        bars = Bars(progress, None, "ko")
        bars("tokenising", 0, 10)
        assert [t.description for t in progress.tasks] == ["형태소 분석"]


def test_lang_before_the_command_sets_the_run_and_the_command_s_own_wins() -> None:
    r = runner.invoke(app, ["--lang", "ko", "cluster", "missing.csv"])
    assert r.stderr == "오류: missing.csv: 그런 파일이 없습니다. 경로를 확인하세요\n"
    r = runner.invoke(app, ["--lang", "ko", "cluster", "missing.csv", "--lang", "en"])
    assert r.stderr == "Error: missing.csv: no such file; check the path\n"
    r = runner.invoke(app, ["cluster", "missing.csv"])  # the next run starts from the locale again
    assert r.stderr == "Error: missing.csv: no such file; check the path\n"


def test_the_english_summary_sheet_names_its_themes_in_english(tmp_path: Path) -> None:
    xlsx = tmp_path / "review.xlsx"
    assert runner.invoke(app, ["cluster", SAMPLE, *LEXICAL, "-q", "--lang", "en", "-o", str(xlsx)]).exit_code == 0
    first = [row[0] for row in openpyxl.load_workbook(xlsx, read_only=True)["Summary"].iter_rows(values_only=True)]
    seconds = [row[1] for row in openpyxl.load_workbook(xlsx, read_only=True)["Summary"].iter_rows(values_only=True) if row[0]]
    assert "Theme T1" in first and not any(str(v).startswith("주제 T") for v in first)
    assert any(str(v).endswith(" tasks · 독거노인, 돌봄, 안전, 응급호출, 위급") or " agencies · " in str(v) for v in seconds)


def _legend_of_tune_plot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *extra: str) -> list[str]:
    import matplotlib.figure

    drawn: list[list[str]] = []
    original = matplotlib.figure.Figure.savefig

    def keep(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append([t.get_text() for ax in self.axes for legend in [ax.get_legend()] if legend for t in legend.get_texts()])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    plot = tmp_path / "tune.png"
    gold = ROOT / "tests" / "fixtures" / "gold_small.csv"
    result = runner.invoke(app, ["tune", str(gold), "--gold-col", "group", "--plot", str(plot), *LEXICAL, *extra])
    assert result.exit_code == 0, result.output
    (labels,) = drawn
    return labels


def test_the_tune_plot_in_korean_when_a_korean_font_is_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taskdedup.quality import tune

    if tune.korean_font() is None:
        pytest.skip("no font with Hangul installed (Debian: fonts-nanum; .ci/run installs it)")
    labels = _legend_of_tune_plot(monkeypatch, tmp_path, "--lang", "ko")
    assert {"쌍 기준 정밀도", "쌍 기준 재현율", "쌍 기준 F1", "기본값 0.5"} <= set(labels)
    monkeypatch.setattr(tune, "korean_font", lambda: None)  # without one: English, not empty boxes
    assert "pairwise precision" in _legend_of_tune_plot(monkeypatch, tmp_path, "--lang", "ko")
