"""Cut one merge tree at many thresholds and describe each cut; recommend a threshold.

With a gold grouping the recommendation is the threshold with the best pairwise F1. Without one it
is the threshold with the best silhouette score (cosine distances; a singleton scores 0): the cut
where tasks are, on average, most clearly closer to their own group than to the nearest other one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from taskdedup.clustering.tree import MergeTree, Similarity
from taskdedup.messages import msg, translate
from taskdedup.quality.metrics import pairwise
from taskdedup.results import Prepared


@dataclass(frozen=True)
class TunePoint:
    threshold: float
    clusters: int
    proposals: int
    cross_agency: int
    rows_in_proposals: int
    mean_probability: float | None  # mean over proposals of the probability at their average link
    silhouette: float | None
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None


@dataclass(frozen=True)
class Tuning:
    points: list[TunePoint]
    recommended: float
    rule: str  # "best F1 against the gold column" or "best silhouette"


def silhouette(distance: np.ndarray, labels: np.ndarray) -> float | None:
    """Mean silhouette of a cut (cosine distances); None when it is undefined (one group, or all apart)."""
    n_labels = len(np.unique(labels))
    if not 1 < n_labels < len(labels):
        return None
    from sklearn.metrics import silhouette_score  # ~1 s to import: only when a silhouette is asked for

    return float(silhouette_score(distance, labels, metric="precomputed"))


SILHOUETTE_SAMPLE = 4000  # rows; beyond this the silhouette is estimated on a fixed random sample


def _sample(n: int) -> np.ndarray:
    if n <= SILHOUETTE_SAMPLE:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, SILHOUETTE_SAMPLE, replace=False))


def best_silhouette(similarity: Similarity, tree: MergeTree, thresholds: Sequence[float]) -> float:
    """The threshold whose cut has the highest silhouette; ties go to the lower threshold."""
    rows = _sample(similarity.n)
    distance = 1.0 - similarity.block(rows)
    scores = [(silhouette(distance, tree.cut(t)[rows]), t) for t in thresholds]
    defined = [(score, t) for score, t in scores if score is not None]
    return max(defined, key=lambda x: (x[0], -x[1]))[1] if defined else thresholds[0]


def thresholds_between(start: float, stop: float, step: float) -> list[float]:
    count = int(round((stop - start) / step)) + 1
    return [round(start + k * step, 4) for k in range(count) if 0 < round(start + k * step, 4) <= 1]


def tune(prepared: Prepared, thresholds: Sequence[float], gold: Sequence[str] | None = None) -> Tuning:
    sim = prepared.similarity
    rows = _sample(sim.n)
    distance = 1.0 - sim.block(rows)
    agency_of = prepared.settings.lexicon.agency
    agencies = [agency_of(s.agency) if s.agency else "" for s in prepared.clustered]
    scored = [] if gold is None else [i for i, g in enumerate(gold) if g.strip()]
    points: list[TunePoint] = []
    for t in thresholds:
        labels = prepared.cut(t)
        groups: dict[int, list[int]] = {}
        for i, label in enumerate(labels):
            groups.setdefault(int(label), []).append(i)
        proposals = [g for g in groups.values() if len(g) > 1]
        cohesion = [float((sim.block(g).sum() - len(g)) / (len(g) * (len(g) - 1))) for g in proposals]
        point = TunePoint(
            threshold=t,
            clusters=len(groups),
            proposals=len(proposals),
            cross_agency=sum(len({agencies[i] for i in g if agencies[i]}) >= 2 for g in proposals),
            rows_in_proposals=sum(len(g) for g in proposals),
            mean_probability=float(np.mean([prepared.match.probability(c) for c in cohesion])) if cohesion else None,
            silhouette=silhouette(distance, labels[rows]),
        )
        if gold is not None:
            prf = pairwise([int(labels[i]) for i in scored], [gold[i] for i in scored])
            point = TunePoint(**{**point.__dict__, "precision": prf.precision, "recall": prf.recall, "f1": prf.f1})
        points.append(point)
    if gold is not None:
        best = max(points, key=lambda p: (p.f1 or 0.0, -p.threshold))
        return Tuning(points, best.threshold, msg("best F1 against the gold column"))
    with_score = [p for p in points if p.silhouette is not None]
    best = max(with_score, key=lambda p: (p.silhouette, -p.threshold)) if with_score else points[0]
    return Tuning(points, best.threshold, msg("best silhouette"))


# Fonts with Hangul that matplotlib may find (Debian's fonts-nanum, Noto CJK, Windows, macOS).
KOREAN_FONTS = ("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "AppleGothic")


KOREAN_FONT_FILES = ("NanumGothic", "NanumBarunGothic", "NotoSansCJK", "NotoSansKR", "malgun", "AppleGothic")


def korean_font() -> str | None:
    """The family name of an installed font with Hangul, or None. matplotlib's font list is a cache
    made when it first ran, so a font installed since (apt-get install fonts-nanum) is looked for
    among the system's font files too and added."""
    from matplotlib import font_manager

    found = {f.name for f in font_manager.fontManager.ttflist}
    name = next((n for n in KOREAN_FONTS if n in found), None)
    if name:
        return name
    for path in sorted(font_manager.findSystemFonts()):
        if Path(path).name.startswith(KOREAN_FONT_FILES):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def plot_tuning(tuning: Tuning, default: float | None = None, lang: str = "en") -> bytes:
    """A PNG of proposals, and precision, recall and F1 against a gold grouping (or the silhouette
    without one), against the threshold; the recommended and the `default` threshold marked. Needs
    matplotlib. Korean labels with lang 'ko' when a font with Hangul is installed (KOREAN_FONTS),
    English otherwise: matplotlib would draw empty boxes."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = korean_font() if lang == "ko" else None
    lang = lang if font else "en"

    def t(text: str) -> str:
        return translate(text, lang)

    with plt.rc_context({"font.family": font} if font else {}):
        xs = [p.threshold for p in tuning.points]
        fig, left = plt.subplots(figsize=(7, 4), dpi=100)
        left.plot(xs, [p.proposals for p in tuning.points], marker="o", color="#305496", label=t(msg("merge proposals")))
        left.set_ylabel(t(msg("merge proposals")), color="#305496")
        right = left.twinx()
        if tuning.points and tuning.points[0].f1 is not None:
            # F1 alone hides which way a threshold errs: precision (fewer false merges) and recall
            # (fewer missed pairs) beside it.
            right.plot(xs, [p.precision for p in tuning.points], marker="^", color="#548235", label=t(msg("pairwise precision")))
            right.plot(xs, [p.recall for p in tuning.points], marker="v", color="#7030A0", label=t(msg("pairwise recall")))
            right.plot(xs, [p.f1 for p in tuning.points], marker="s", color="#C55A11", label=t(msg("pairwise F1")))
            right.set_ylabel(t(msg("pairwise precision, recall, F1 (gold)")))
        else:
            right.plot(xs, [p.silhouette if p.silhouette is not None else np.nan for p in tuning.points], marker="s", color="#C55A11",
                       label=t(msg("silhouette")))
            right.set_ylabel(t(msg("silhouette")), color="#C55A11")
        right.set_ylim(bottom=0)
        left.set_xlabel(t(msg("threshold (probability of one project)")))
        left.axvline(tuning.recommended, color="grey", linestyle="--", label=t(msg("recommended {threshold:g}", threshold=tuning.recommended)))
        if default is not None:
            left.axvline(default, color="black", linestyle=":", label=t(msg("default {threshold:g}", threshold=default)))
        handles = [h for axis in (left, right) for h in axis.get_legend_handles_labels()[0]]
        left.legend(handles=handles, loc="best", fontsize="small")
        left.set_title(t(msg("recommended threshold {threshold:g} ({rule})", threshold=tuning.recommended, rule=tuning.rule)))
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        plt.close(fig)
    return buffer.getvalue()
