"""Text as a web page shows it: what web exports (proposal boxes, e-People) spell with markup.

Read once, at the input (input/submissions.py), so every export shows clean text, and again by
normalisation (text/normalize.py) and the embedding text for callers that hand the library raw
strings: one definition of markup for both, so what is shown and what is matched agree.
"""

from __future__ import annotations

import html
import re

# An HTML character reference: web exports (Seoul's proposal box: 27,184 &nbsp; in 4,002 rows) keep them.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# HTML markup pasted from a web editor (the same box: <p style="mso-...">, <!--StartFragment-->).
# Only HTML's own tag names (and Word's o:p, w:..., v:...) with attributes as name=value count, so
# "<청년> 정책" or "a<b 또는 c>d" stay text.
_TAGS = "|".join((
    # HTML's elements (WHATWG list, and the obsolete ones old editors still write)
    "a|abbr|acronym|address|applet|area|article|aside|audio|b|base|basefont|bdi|bdo|big|blink|blockquote|body|br|button|canvas|"
    "caption|center|cite|code|col|colgroup|data|datalist|dd|del|details|dfn|dialog|dir|div|dl|dt|em|embed|fieldset|figcaption|"
    "figure|font|footer|form|frame|frameset|h[1-6]|head|header|hgroup|hr|html|i|iframe|img|input|ins|kbd|label|legend|li|link|"
    "main|map|mark|marquee|menu|meta|meter|nav|nobr|noscript|object|ol|optgroup|option|output|p|param|picture|pre|progress|q|rp|"
    "rt|ruby|s|samp|section|select|slot|small|source|span|strike|strong|sub|summary|sup|svg|table|tbody|td|template|textarea|"
    "tfoot|th|thead|time|title|tr|track|tt|u|ul|var|video|wbr|xml",
    # Word's and VML's namespaced tags (<o:p>, <w:WordDocument>, <v:shape>)
    "o:p|[wv]:[a-z]+",
))
_MARKUP = re.compile(rf"<!--.*?-->|<(style|script)\b.*?</\1\s*>|</?(?:{_TAGS})(?:\s+[^<>]*=[^<>]*)?\s*/?>", re.S | re.I)
_BREAK = re.compile(r"<(?:br|/p|/div|/li|/tr|/h[1-6])\b[^<>]*>", re.I)
_SPACES = re.compile(r"[ \t\xa0]+")
# What some references stand for is no text: a no-break space is a space, a byte-order mark nothing.
_INVISIBLE = str.maketrans({"\xa0": " ", "\ufeff": None})


def web_text(value: str) -> str:
    """Text as a web page showed it: markup removed (a paragraph or line break ends a line), and
    `&lt;`, `&#39;`, `&nbsp;` ... replaced by their characters. Other text is returned as it is."""
    changed = False
    if "<" in value and _MARKUP.search(value):
        value = _MARKUP.sub("", _BREAK.sub("\n", value))
        changed = True
    if "&" in value and _ENTITY.search(value):
        value = html.unescape(value).translate(_INVISIBLE)
        changed = True
    if not changed:
        return value
    lines = (_SPACES.sub(" ", line).strip() for line in value.split("\n"))
    return "\n".join(line for line in lines if line)
