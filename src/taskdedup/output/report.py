"""Result -> one self-contained HTML report: summary, proposal cards, themes, and a 2-D map of all
tasks drawn as inline SVG. No scripts, fonts or styles from the network; opens offline."""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

from taskdedup.clustering.match import MatchModel
from taskdedup.pipeline import Result
from taskdedup.review.proposals import Cluster

MAP_POINTS = 5000  # beyond this, singletons are thinned (every proposal member is always drawn)
WIDTH, HEIGHT, PAD = 900, 560, 24
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f")

_STYLE = """
body{font-family:'Noto Sans KR','Malgun Gothic','Apple SD Gothic Neo',sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:2px solid #305496}
.summary td{padding:2px 12px 2px 0}.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #ccc;border-radius:6px;padding:10px 12px;width:330px;background:#fafafa}
.card h3{font-size:15px;margin:0 0 6px}.kind{font-size:12px;color:#555}.terms{font-size:12px;color:#305496}
.card li{font-size:13px;margin:2px 0}.rep{font-weight:bold}.sim{color:#777;font-size:12px}
table.themes{border-collapse:collapse}table.themes td,table.themes th{border:1px solid #ccc;padding:4px 8px;font-size:13px}
svg{border:1px solid #ddd;background:white}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def map_coordinates(matrix: sp.csr_matrix) -> np.ndarray:
    """2-D positions of the rows: the two leading components of the TF-IDF matrix (fixed seed)."""
    n, terms = matrix.shape
    if n < 3 or terms < 3:
        return np.zeros((n, 2))
    svd = TruncatedSVD(n_components=2, random_state=0)
    with warnings.catch_warnings():
        # All rows alike (a duplicate campaign): the explained-variance ratio it reports is 0/0.
        # The positions are still right, and the warning would only worry an analyst.
        warnings.simplefilter("ignore", RuntimeWarning)
        return svd.fit_transform(matrix)


def _colour(cluster: Cluster, order: dict[int, int]) -> str:
    if not cluster.is_proposal:
        return "#c8c8c8"
    return PALETTE[order[cluster.cluster_id] % len(PALETTE)]


def _map_svg(result: Result, coords: np.ndarray) -> str:
    members = [(m, c) for c in result.clusters for m in c.members]
    proposal_order = {c.cluster_id: k for k, c in enumerate(result.proposals)}
    singles = [(m, c) for m, c in members if not c.is_proposal]
    drawn = [(m, c) for m, c in members if c.is_proposal]
    room = max(0, MAP_POINTS - len(drawn))
    if len(singles) > room:
        step = len(singles) / room if room else len(singles) + 1
        singles = [singles[int(k * step)] for k in range(room)]
    drawn = singles + drawn  # proposals drawn last, on top
    if not drawn:
        return ""
    xy = coords[[m.index for m, _ in drawn]]
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    scaled = (xy - low) / span
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="map of tasks">']
    for (m, c), (x, y) in zip(drawn, scaled, strict=True):
        cx = PAD + x * (WIDTH - 2 * PAD)
        cy = HEIGHT - PAD - y * (HEIGHT - 2 * PAD)
        radius = 6 if c.is_proposal else 3
        label = f"#{c.cluster_id} {m.submission.agency} {m.submission.title}".strip()
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="{_colour(c, proposal_order)}" fill-opacity="0.8">'
            f"<title>{_e(label)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _card(c: Cluster, match: MatchModel) -> str:
    items = []
    for m in c.members:
        s = m.submission
        rep = ' class="rep"' if m is c.representative else ""
        sim = "대표" if m is c.representative else f"{match.probability(m.similarity):.2f}"
        shared = f' <span class="terms">[{_e(", ".join(m.shared_terms))}]</span>' if m.shared_terms and m is not c.representative else ""
        items.append(f"<li{rep}>{_e(s.agency or '-')} · {_e(s.title)} <span class=\"sim\">{sim}</span>{shared}</li>")
    return (
        f'<div class="card" id="p{c.cluster_id}"><h3>#{c.cluster_id} {_e(c.representative.submission.title)}</h3>'
        f'<div class="kind">{_e(c.kind)} · 기관 {len(c.agencies)} · 과제 {c.size} · 일치 확률 {match.probability(c.cohesion):.2f}</div>'
        f'<div class="terms">핵심어: {_e(", ".join(c.keywords))}</div><ul>{"".join(items)}</ul>'
        f'<div class="kind">참여 기관: {_e(", ".join(c.agencies) or "-")}</div></div>'
    )


def _cluster_link(c: Cluster) -> str:
    return f'<a href="#p{c.cluster_id}">#{c.cluster_id}</a>' if c.is_proposal else f"#{c.cluster_id}"


def to_html(result: Result, coords: np.ndarray | None = None) -> bytes:
    s = result.summary
    st = result.settings
    if coords is None:
        coords = map_coordinates(result.matrix) if result.matrix is not None else np.zeros((0, 2))
    rows: Sequence[tuple[str, object]] = (
        ("입력 파일", result.source.split("/")[-1]),
        ("읽은 과제 수", s.rows_read),
        ("제외된 과제 수", s.rows_skipped),
        ("병합 제안", f"{s.proposals} (기관 간 {s.cross_agency}, 기관 내 {s.same_agency})"),
        ("주제", s.themes),
        ("설정", f"{result.match.name}, {st.tokenizer}, 병합 임계값 (같은 과제일 확률) {st.threshold:g}, {st.linkage} linkage"),
    )
    themes = "".join(
        f"<tr><td>T{t.theme_id}</td><td>{len(t.agencies)}</td><td>{t.size}</td><td>{_e(', '.join(t.keywords))}</td>"
        f"<td>{' '.join(_cluster_link(c) for c in t.clusters)}</td></tr>"
        for t in result.themes
    )
    body = [
        "<!DOCTYPE html>",
        '<html lang="ko"><head><meta charset="utf-8"><title>taskdedup 병합 제안 보고서</title>',
        f"<style>{_STYLE}</style></head><body>",
        "<h1>taskdedup 병합 제안 보고서</h1>",
        '<table class="summary">' + "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows) + "</table>",
        "<h2>과제 지도</h2><p class=\"kind\">비슷한 과제일수록 가까이 놓입니다. 색은 병합 제안, 회색은 단독 과제입니다. 점에 마우스를 올리면 과제명이 보입니다.</p>",
        _map_svg(result, coords),
        f"<h2>병합 제안 ({s.proposals})</h2>",
        '<div class="cards">' + "".join(_card(c, result.match) for c in result.proposals) + "</div>",
        f"<h2>여러 기관에 걸친 주제 ({s.themes})</h2>",
        '<table class="themes"><tr><th>주제</th><th>기관 수</th><th>과제 수</th><th>핵심어</th><th>군집</th></tr>' + themes + "</table>",
        "</body></html>",
    ]
    return ("\n".join(body) + "\n").encode("utf-8")
