"""Result -> one self-contained HTML report: summary, a search box over the proposals, and a card
per proposal with a small graph of its members (the pair probabilities on the edges, like Splink's
cluster studio), then the themes. Nothing from the network: styles and the search script are
inline, so the file opens offline and can be mailed as it is."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.match import MatchModel
from taskdedup.messages import msg, translate
from taskdedup.output.records import KIND_KO
from taskdedup.results import Result
from taskdedup.review.proposals import Cluster

GRAPH_MEMBERS = 12  # a group this size or smaller is drawn with every pair; larger ones as a star around the representative
GRAPH_PROPOSALS = 1000  # graphs for the strongest proposals only: the page stays light on 10^4 proposals
LABEL_MEMBERS = 6  # edge labels (the probability) are written out up to this size; larger graphs show them on hover
SIZE = 220  # the graph's square, in px
PAIR_HEIGHT = 56
# Edge colours by probability of one project: light for a weak link, deep green for a sure one.
STEPS = ((0.9, "#1a7f37"), (0.7, "#4caf50"), (0.5, "#a5d6a7"), (0.0, "#d0d0d0"))

_STYLE = """
*{box-sizing:border-box}
body{font-family:'Noto Sans KR','Malgun Gothic','Apple SD Gothic Neo',sans-serif;margin:16px auto;padding:0 12px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:2px solid #305496}
.summary td{padding:2px 12px 2px 0;vertical-align:top}.summary td:first-child{white-space:nowrap}
.search{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:12px 0}
.search input{flex:1 1 260px;font-size:16px;padding:6px 8px;border:1px solid #999;border-radius:4px}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12px;color:#444;margin:6px 0 12px}
.legend span{display:inline-flex;align-items:center;gap:4px}
.swatch{display:inline-block;width:22px;height:4px}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.card{border:1px solid #ccc;border-radius:6px;padding:10px 12px;background:#fafafa;min-width:0}
.card h3{font-size:15px;margin:0 0 6px;overflow-wrap:anywhere}.kind{font-size:12px;color:#555}.terms{font-size:12px;color:#305496}
.card ul{padding-left:18px;margin:6px 0}.card li{font-size:13px;margin:2px 0;overflow-wrap:anywhere}
.rep{font-weight:bold}.sim{color:#777;font-size:12px}.id{font-family:monospace;color:#555}
.again{color:#b02a00;font-weight:bold}
.graph{display:block;width:100%;max-width:260px;height:auto;margin:4px auto}
table.themes{border-collapse:collapse;width:100%}table.themes td,table.themes th{border:1px solid #ccc;padding:4px 8px;font-size:13px;overflow-wrap:anywhere}
@media (max-width:600px){body{margin:8px auto;padding:0 8px}.cards{grid-template-columns:1fr}table.themes td,table.themes th{padding:3px 4px}}
"""

# Filters the cards as one types; the text searched is each card's own (titles, agencies, ids,
# keywords). The address's #q=... starts the page filtered, so a filtered view can be shared.
_SCRIPT = """
(function(){
var box=document.getElementById('q'),cards=document.querySelectorAll('.card'),count=document.getElementById('shown');
function apply(){var words=box.value.toLowerCase().split(/\\s+/).filter(Boolean),n=0;
cards.forEach(function(c){var t=c.getAttribute('data-text'),ok=words.every(function(w){return t.indexOf(w)>=0});
c.hidden=!ok;if(ok)n++});count.textContent=n;}
box.addEventListener('input',apply);
var m=/[#&]q=([^&]*)/.exec(location.hash);if(m){box.value=decodeURIComponent(m[1]);}
apply();})();
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def edge_colour(probability: float) -> str:
    return next(colour for low, colour in STEPS if probability >= low)


def pair_scores(matrix: sp.csr_matrix, indices: Sequence[int]) -> np.ndarray:
    """The mixed scores between the given rows: their vectors are weighted and concatenated so that
    one inner product is the score the clustering used (text/vectors.py)."""
    block = matrix[list(indices)]
    return np.asarray((block @ block.T).todense())


def _graph(c: Cluster, match: MatchModel, matrix: sp.csr_matrix | None, w: dict[str, str]) -> str:
    """The members on a circle, the representative on top; an edge per pair (a star around the
    representative for large groups), coloured and labelled by the pair's probability."""
    members = c.members
    n = len(members)
    height = PAIR_HEIGHT if n == 2 else SIZE
    centre, radius = SIZE / 2, SIZE / 2 - 26
    if n == 2:  # side by side: a pair needs no square
        points = [(40.0, height / 2), (SIZE - 40.0, height / 2)]
    else:
        points = [(centre + radius * math.sin(2 * math.pi * k / n), centre - radius * math.cos(2 * math.pi * k / n)) for k in range(n)]
    full = n <= GRAPH_MEMBERS and matrix is not None
    if full:
        scores = pair_scores(matrix, [m.index for m in members])
        pairs = [(a, b, float(scores[a, b])) for a in range(n) for b in range(a + 1, n)]
    else:
        pairs = [(0, b, members[b].similarity) for b in range(1, n)]
    parts = [f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {height}" role="img" '
             f'aria-label="#{c.cluster_id}: {w["graph"].format(n=n)}">']
    labels = []
    for a, b, score in sorted(pairs, key=lambda p: p[2]):  # the strongest links drawn last, on top
        p = match.probability(score)
        (x1, y1), (x2, y2) = points[a], points[b]
        width = 1 + 3 * p
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{edge_colour(p)}" stroke-width="{width:.1f}">'
            f"<title>{_e(members[a].submission.row_id)} – {_e(members[b].submission.row_id)}: {w['probability']} {p:.2f}</title></line>"
        )
        if n <= LABEL_MEMBERS:
            labels.append(
                f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 + 3:.1f}" font-size="10" text-anchor="middle" fill="#333" '
                f'stroke="#fafafa" stroke-width="3" paint-order="stroke">{p:.2f}</text>'
            )
    parts.extend(labels)
    for k, (m, (x, y)) in enumerate(zip(members, points, strict=True)):
        s = m.submission
        fill = "#305496" if k == 0 else "#7fa7d9"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{9 if k == 0 else 7}" fill="{fill}" stroke="white" stroke-width="1.5">'
            f"<title>{_e(s.row_id)} {_e(s.agency or '-')}: {_e(s.title)}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 12 if y < centre or n == 2 else y + 20:.1f}" font-size="11" text-anchor="middle" fill="#222">{_e(node_label(s.row_id))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _card(c: Cluster, result: Result, with_graph: bool, w: dict[str, str]) -> str:
    match = result.match
    new = set(result.reopened.get(c.cluster_id, ()))
    items = []
    for m in c.members:
        s = m.submission
        rep = ' class="rep"' if m is c.representative else ""
        sim = w["rep"] if m is c.representative else f"{match.probability(m.similarity):.2f}"
        shared = f' <span class="terms">[{_e(", ".join(m.shared_terms))}]</span>' if m.shared_terms and m is not c.representative else ""
        joined = f' <span class="again">{w["new"]}</span>' if s.row_id in new else ""
        items.append(f'<li{rep}><span class="id">{_e(s.row_id)}</span> {_e(s.agency or "-")} · {_e(s.title)} <span class="sim">{sim}</span>{shared}{joined}</li>')
    kind = KIND_KO[c.kind] if w is KO else c.kind
    text = " ".join([f"#{c.cluster_id}", kind, *c.keywords, *c.agencies,
                     *(f"{m.submission.row_id} {m.submission.title}" for m in c.members)]).lower()
    again = f' · <span class="again">{w["again"]}</span>' if new else ""
    return (
        f'<div class="card" id="p{c.cluster_id}" data-text="{_e(text)}"><h3>#{c.cluster_id} {_e(c.representative.submission.title)}</h3>'
        f'<div class="kind">{kind} · {w["counts"].format(agencies=len(c.agencies), tasks=c.size)} · '
        f'{w["probability"]} {match.probability(c.cohesion):.2f}{again}</div>'
        f'<div class="terms">{w["keywords"]}: {_e(", ".join(c.keywords))}</div>'
        + (_graph(c, match, result.matrix, w) if with_graph else "")
        + f'<ul>{"".join(items)}</ul><div class="kind">{w["agencies"]}: {_e(", ".join(c.agencies) or "-")}</div></div>'
    )


def _legend(w: dict[str, str]) -> str:
    edges = "".join(
        f'<span><i class="swatch" style="background:{colour}"></i>{"p ≥ " + format(low, "g") if low else "p < 0.5"}</span>'
        for low, colour in STEPS
    )
    return (
        f'<div class="legend"><span><i class="dot" style="background:#305496"></i>{w["rep_task"]}</span>'
        f'<span><i class="dot" style="background:#7fa7d9"></i>{w["member"]}</span>'
        f'{edges}<span>{w["edges"]}</span></div>'
    )


def _cluster_link(c: Cluster) -> str:
    return f'<a href="#p{c.cluster_id}">#{c.cluster_id}</a>' if c.is_proposal else f"#{c.cluster_id}"


# The report's words: Korean (its readers are the council) or English (--lang en).
KO = {
    "title": "taskdedup 병합 제안 보고서", "input": "입력 파일", "read": "읽은 과제 수", "skipped": "제외된 과제 수", "proposals": "병합 제안",
    "kinds": "{proposals} (기관 간 {cross}, 기관 내 {same}, 기관 미상 {unattributed})", "themes": "주제", "settings": "설정",
    "setting": "{similarity}, {tokenizer}, 병합 임계값 (같은 과제일 확률) {threshold:g}, {linkage} linkage",
    "more": "그래프는 앞의 {graphs}개 제안에만 그립니다 (전체 {total}개는 카드와 검토 통합문서에 모두 있습니다).",
    "find": "찾기", "placeholder": "과제명, 기관, 번호, 핵심어 (여러 낱말은 모두 포함)", "shown": "개 제안",
    "spanning": "여러 기관에 걸친 주제", "theme": "주제", "agency_count": "기관 수", "task_count": "과제 수", "keywords": "핵심어", "clusters": "군집",
    "graph": "{n}개 과제의 쌍별 일치 확률", "probability": "일치 확률", "rep": "대표", "new": "새 과제", "again": "재검토",
    "counts": "기관 {agencies} · 과제 {tasks}", "agencies": "참여 기관", "rep_task": "대표 과제", "member": "구성 과제",
    "edges": "선: 두 과제가 같은 사업일 확률 (굵고 진할수록 높음)",
}
EN = {
    "title": "taskdedup merge proposals", "input": "Input file", "read": "Rows read", "skipped": "Rows skipped", "proposals": "Merge proposals",
    "kinds": "{proposals} ({cross} cross-agency, {same} same-agency, {unattributed} unattributed)", "themes": "Themes", "settings": "Settings",
    "setting": "{similarity}, {tokenizer}, threshold (probability of one project) {threshold:g}, {linkage} linkage",
    "more": "Graphs are drawn for the first {graphs} proposals only (all {total} are in the cards and the review workbook).",
    "find": "Find", "placeholder": "title, agency, id, keyword (several words: all of them)", "shown": " proposals",
    "spanning": "Themes across agencies", "theme": "Theme", "agency_count": "Agencies", "task_count": "Tasks", "keywords": "Keywords",
    "clusters": "Clusters", "graph": "pairwise match probabilities of {n} tasks", "probability": "match probability", "rep": "rep.",
    "new": "new task", "again": "review again", "counts": "{agencies} agencies · {tasks} tasks", "agencies": "Agencies",
    "rep_task": "representative task", "member": "member task", "edges": "line: probability that two tasks are one project (thicker and darker: higher)",
}


LABEL_WIDTH = 12  # a node's label, in columns (a Hangul syllable is two); longer ids run past the graph's edge


def _width(text: str) -> int:
    return sum(2 if ord(c) >= 0x1100 else 1 for c in text)


def node_label(row_id: str) -> str:
    """A graph node's short label (its tooltip has the whole id). A folder's ids are '<file>#<id>'
    ('행정안전부_수요조사#3'): the file name's first part and the id ('행정안전부#3'), which tells the
    nodes apart at a glance."""
    if _width(row_id) <= LABEL_WIDTH:
        return row_id
    if "#" in row_id:
        head, _, tail = row_id.rpartition("#")
        short = f"{head.split('_')[0]}#{tail}"
        if _width(short) <= LABEL_WIDTH:
            return short
    out = ""
    for c in row_id:
        if _width(out + c) > LABEL_WIDTH - 1:
            break
        out += c
    return out + "…"


def _input_cell(result: Result, lang: str) -> str:
    """The input as the report names it: the file, or for several files each file and its rows."""
    if len(result.files) <= 1:
        return result.source.split("/")[-1]
    listed = ", ".join(f"{name} ({rows})" for name, rows in result.files)
    return translate(msg("{count} files: {listed}", count=len(result.files), listed=listed), lang)


def to_html(result: Result, lang: str = "ko") -> bytes:
    """The self-contained report, in Korean or (lang 'en') English."""
    w = EN if lang == "en" else KO
    s = result.summary
    st = result.settings
    rows: Sequence[tuple[str, object]] = (
        (w["input"], _input_cell(result, lang)),
        (w["read"], s.rows_read),
        (w["skipped"], s.rows_skipped),
        (w["proposals"], w["kinds"].format(proposals=s.proposals, cross=s.cross_agency, same=s.same_agency, unattributed=s.unattributed)),
        (w["themes"], s.themes),
        (w["settings"], w["setting"].format(similarity=result.match.name, tokenizer=st.tokenizer, threshold=st.threshold, linkage=st.linkage)),
    )
    proposals = result.proposals
    themes = "".join(
        f"<tr><td>T{t.theme_id}</td><td>{len(t.agencies)}</td><td>{t.size}</td><td>{_e(', '.join(t.keywords))}</td>"
        f"<td>{' '.join(_cluster_link(c) for c in t.clusters)}</td></tr>"
        for t in result.themes
    )
    more = (f'<p class="kind">{w["more"].format(graphs=GRAPH_PROPOSALS, total=len(proposals))}</p>' if len(proposals) > GRAPH_PROPOSALS else "")
    head = "".join(f"<th>{w[k]}</th>" for k in ("theme", "agency_count", "task_count", "keywords", "clusters"))
    body = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if w is EN else "ko"}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{w['title']}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{w['title']}</h1>",
        '<table class="summary">' + "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows) + "</table>",
        f"<h2>{w['proposals']} ({s.proposals})</h2>",
        f'<div class="search"><label for="q">{w["find"]}</label><input id="q" type="search" placeholder="{w["placeholder"]}" '
        f'autocomplete="off"><span class="kind"><span id="shown">{len(proposals)}</span> / {len(proposals)}{w["shown"]}</span></div>',
        _legend(w),
        more,
        '<div class="cards">' + "".join(_card(c, result, k < GRAPH_PROPOSALS, w) for k, c in enumerate(proposals)) + "</div>",
        f"<h2>{w['spanning']} ({s.themes})</h2>",
        f'<table class="themes"><tr>{head}</tr>' + themes + "</table>",
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ]
    return ("\n".join(body) + "\n").encode("utf-8")
