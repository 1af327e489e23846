"""Text from web exports read as a page shows it (input/markup.py web_text)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskdedup.input.markup import web_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("청년&#39;s 월세 &amp; 주거 &lt;지원&gt;", "청년's 월세 & 주거 <지원>"),
        ("제안&nbsp;&nbsp;내용&#65279;", "제안 내용"),
        # What Seoul's proposal box holds: a web editor's markup around the text.
        ('<!--StartFragment--><p class="0" style="line-height: 150%;"><span lang="EN-US" style="font-size: 13pt;">월드컵</span> 경기장</p>'
         "<p>둘째 줄<br />셋째</p><o:p></o:p><style>p { color: red }</style>", "월드컵 경기장\n둘째 줄\n셋째"),
        ("<P>대문자 태그</P>", "대문자 태그"),
        # Pasted blog pages (14 of Seoul's 4,002): form controls, frames and figures are markup too.
        ('기능<input title="URL 복사" class="copyTargetUrl" style="display: none;" type="text">본문', "기능본문"),
        ('백일홍\n<iframe id="adop" frameborder="0" src="x"></iframe>기쁨', "백일홍\n기쁨"),
        ('[서울신문]<figure class="figure_frm"><img src="a.jpg"><figcaption>사진</figcaption></figure>', "[서울신문]사진"),
    ],
)
def test_markup_and_references_become_the_text_shown(raw: str, shown: str) -> None:
    assert web_text(raw) == shown


@pytest.mark.parametrize("text", ["<청년> 정책", "a<b 또는 c>d", "AT&T 협력", "R&D 예산", "1 < 2 > 0", "이메일 <hong@example.kr>", "<28> 아파트 주차비",
                                  "http://news.example.kr/read.html?uid=606162&section=sc2"])  # not '§ion': a reference needs its ';'
def test_text_that_only_looks_like_markup_is_left_alone(text: str) -> None:
    assert web_text(text) == text


@given(st.text(alphabet=st.characters(blacklist_characters="<&")))
def test_text_without_markup_characters_is_returned_unchanged(text: str) -> None:
    assert web_text(text) is text
