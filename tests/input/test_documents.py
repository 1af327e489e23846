"""Proposal documents: each format's fixture read into its form's fields, and the forms logic."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskdedup.errors import InputError
from taskdedup.input.documents import read_document
from taskdedup.input.forms import Form, read_forms, role_of

FIXTURES = Path(__file__).parents[1] / "fixtures"
DOCUMENTS = FIXTURES / "documents"
BROKEN = FIXTURES / "broken_documents"

# What make_documents.py wrote into each form: (agency, field, title, description).
EXPECTED = {
    "대구광역시_과제제안서.hwpx": [("대구광역시", "민원·행정", "인공지능 민원 상담 챗봇 고도화",
                             "시민이 묻는 민원 처리 절차와 구비서류를 인공지능 챗봇이 안내하고 상담 대기 시간을 줄임")],
    "경상북도_과제제안서.hwpx": [
        ("경상북도", "안전", "노후 교량 IoT 안전 모니터링", "노후 교량과 터널에 계측 센서를 달아 진동과 변위를 실시간으로 감시하고 위험을 조기 경보"),
        ("경상북도", "재정", "농업보조금 부정수급 블록체인 차단", "농업보조금 신청과 지급 이력을 블록체인에 기록하여 중복 수령과 부정수급을 차단"),
    ],
    "전라남도_과제제안.docx": [("전라남도", "복지", "독거노인 돌봄 IoT 안전 알림",
                           "혼자 사는 노인의 응급 상황이 늦게 발견됨\n독거노인 가정에 IoT 센서를 설치해 응급 상황을 감지하고 돌봄 기관에 알림")],
    "광주광역시_제안메모.docx": [("광주광역시", "", "스마트 횡단보도 보행자 안전 시스템",
                            "횡단보도에 지능형 CCTV와 센서를 설치해 보행자를 인식하고 차량 운전자에게 경고한다.\n어린이 보호구역부터 시범 설치한다.")],
    "기획재정부_과제제안서.hwp": [("기획재정부", "재정", "블록체인 기반 국고보조금 부정수급 방지",
                             "국고보조금의 신청, 교부, 정산 이력을 블록체인에 기록해 중복 수령과 부정수급을 막음")],
    "경찰청_과제제안서.pdf": [("경찰청", "안전", "AI 기반 실종 아동 CCTV 영상 검색",
                          "실종 신고가 접수되면 주변 CCTV 영상에서 인공지능이 아동의 인상착의를 찾아 수색 시간을\n줄인다.")],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_gives_its_forms(name: str) -> None:
    table = read_document(DOCUMENTS / name)
    got = [(r["기관"], r["분야"], r["과제명"], r["과제내용"]) for r in table.frame.to_dict("records")]
    assert got == EXPECTED[name]
    assert list(table.frame.index) == list(range(1, len(got) + 1))


def test_the_fixture_set_is_the_one_the_issue_asks_for() -> None:
    suffixes = sorted(p.suffix for p in DOCUMENTS.iterdir())
    assert suffixes == [".docx", ".docx", ".hwp", ".hwpx", ".hwpx", ".pdf"]


@pytest.mark.parametrize(("name", "reason"), [
    ("잘린파일.hwpx", "the HWPX file is cut short or damaged (its zip cannot be opened); save it again from 한글"),
    ("암호문서.hwp", "the document is password-protected; save a copy without the password (한글: 보안 > 암호 해제)"),
    ("스캔본.pdf", "the PDF has no text layer (a scanned page?); export it from the original document, or run OCR on it first"),
])
def test_broken_documents_say_why(name: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(BROKEN / name)
    assert str(caught.value) == f"{BROKEN / name}: {reason}"


def test_other_damage(tmp_path: Path) -> None:
    whole = (DOCUMENTS / "전라남도_과제제안.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(whole[:2000])
    with pytest.raises(InputError, match="cut.docx: the Word document is cut short or damaged"):
        read_document(cut)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.7\nnot really\n")
    with pytest.raises(InputError, match="fake.pdf: not a readable PDF"):
        read_document(fake)
    text = tmp_path / "renamed.hwp"
    text.write_text("과제명: 민원 챗봇", encoding="utf-8")
    with pytest.raises(InputError, match=r"renamed.hwp: not an HWP 5.0 file; save it again from 한글"):
        read_document(text)
    empty = tmp_path / "empty.hwpx"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.hwpx: the file is empty"):
        read_document(empty)


def test_labels_are_the_column_vocabulary() -> None:
    assert role_of("과제명") == "title" and role_of("사업명") == "title" and role_of("과제명(사업명)") == "title"
    assert role_of("제출기관") == "agency" and role_of("기관명") == "agency"
    assert role_of("추진내용") == "description" and role_of("주요 추진내용") == "description" and role_of("필요성") == "description"
    assert role_of("과제 제안서") is None  # '과제' inside a heading is no label
    assert role_of("시민이 묻는 민원 처리 절차와 구비서류를 안내하는 내용") is None  # long: a value


def test_forms_from_lines_tables_and_lists() -> None:
    lines = ["제안서", "□ 과제명 : 민원 챗봇", "1. 제출기관: 행정안전부", "과제내용", "민원을 안내", "이어지는 설명"]
    assert read_forms(lines) == [Form(title="민원 챗봇", agency="행정안전부", description=["민원을 안내", "이어지는 설명"])]
    # a table of tasks (labels across the top): one form per row
    listed = [[["번호", "과제명", "기관명", "과제내용"], ["A-1", "민원 챗봇", "서울", "안내"], ["A-2", "돌봄 IoT", "부산", "센서"]]]
    assert read_forms(listed) == [Form(title="민원 챗봇", agency="서울", id="A-1", description=["안내"]),
                                  Form(title="돌봄 IoT", agency="부산", id="A-2", description=["센서"])]
    # four columns: two label/value pairs per row
    wide = [[["과제명", "민원 챗봇", "제출기관", "서울"], ["과제내용", "안내", "", ""]]]
    assert read_forms(wide) == [Form(title="민원 챗봇", agency="서울", description=["안내"])]
    # the agency given before the title in each of two forms
    twice = [[["기관명", "서울"], ["과제명", "민원 챗봇"]], [["기관명", "부산"], ["과제명", "돌봄 IoT"]]]
    assert [(f.agency, f.title) for f in read_forms(twice)] == [("서울", "민원 챗봇"), ("부산", "돌봄 IoT")]
    # no labelled title: the heading and the body
    assert read_forms(["제목줄", "본문 하나", "본문 둘"], heading="") == [Form(title="제목줄", description=["본문 하나", "본문 둘"])]
    assert read_forms([]) == []
