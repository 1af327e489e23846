"""What a run gives: each input row's outcome, the summary, the prepared tree (Prepared) and the
result of cutting it (Result). Data only; pipeline.py makes them, output/ and quality/ read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from taskdedup.review.decisions import MERGE, Decided
from taskdedup.review.proposals import Cluster, Member, proposal_key

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

    from taskdedup.clustering.join import Join
    from taskdedup.clustering.match import MatchModel
    from taskdedup.clustering.tree import MergeTree, Similarity
    from taskdedup.config import Settings
    from taskdedup.engines import Engine
    from taskdedup.input.columns import Columns
    from taskdedup.input.submissions import Submission
    from taskdedup.review.label_requests import LabelRequest
    from taskdedup.review.near_misses import NearMiss
    from taskdedup.review.themes import Theme
    from taskdedup.text.vectors import Vectors

CLUSTERED = "clustered"
SKIPPED_EMPTY = "skipped: empty text"
SKIPPED_NO_WORDS = "skipped: no words in text"


class RowOutcome(NamedTuple):  # one per input row: a named tuple is made three times faster than a dataclass
    submission: Submission
    status: str
    cluster: Cluster | None = None
    member: Member | None = None
    theme: Theme | None = None


@dataclass(frozen=True)
class Summary:
    rows_read: int
    rows_skipped: int
    blank_rows_ignored: int
    clusters: int
    proposals: int
    cross_agency: int
    same_agency: int
    unattributed: int
    rows_in_proposals: int
    themes: int


@dataclass
class Prepared:
    """Everything up to the merge tree; cutting it at any threshold is cheap."""

    source: str
    files: tuple[tuple[str, int], ...]  # read from several files: each file and its rows
    columns: Columns
    settings: Settings  # as run: the tokenizer, similarity and character weight actually used
    match: MatchModel  # the signals' weights and the probability scale of the tree's scores
    tokenizer_version: str
    rows_read: int
    blank_rows: int
    clustered: list[Submission]  # in canonical order; row i of `vectors` and `similarity`
    skipped: list[RowOutcome]
    vectors: Vectors
    similarity: Similarity
    tree: MergeTree | None  # merge scores are mixed similarities; thresholds are probabilities (cut()); None: prepared without it
    min_threshold: float  # the tree can be cut at any threshold (probability) at or above this
    join: Join | None = None  # the sparse path's similar pairs, for near misses
    engine: Engine | None = None  # where the work ran; a Dask engine must stay open until assemble (its workers hold the pairs)
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def cut(self, threshold: float) -> np.ndarray:
        """Cluster labels at a probability threshold."""
        if self.tree is None:
            raise ValueError("prepared without its merge tree (prepare(..., with_tree=False)): it cannot be cut")
        return self.tree.cut(self.match.score_at(threshold))


@dataclass(frozen=True)
class RunInfo:
    """How a run was started, for the review workbook's 요약 and document properties. Empty by
    default: the date is written only when it was given (`--run-date`), so that the same input and
    settings give the same bytes."""

    command: str = ""
    date: str = ""  # YYYY-MM-DD


@dataclass
class Result:
    source: str
    files: tuple[tuple[str, int], ...]
    columns: Columns
    settings: Settings
    match: MatchModel
    tokenizer_version: str
    summary: Summary
    clusters: list[Cluster]
    themes: list[Theme]
    rows: list[RowOutcome]  # every input row once: clustered by cluster id, then skipped ones
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    near_misses: list[NearMiss] = field(default_factory=list)
    matrix: sp.csr_matrix | None = None  # the rows' vectors in canonical order (Member.index), for the map
    carried: dict[int, Decided] = field(default_factory=dict)  # cluster id -> earlier decision to pre-fill
    decision_log: list[Decided] = field(default_factory=list)  # earlier split decisions, kept for the next run
    label_requests: list[LabelRequest] = field(default_factory=list)  # the pairs the model is least sure of
    # Merged groups that new tasks joined since they were decided (재검토): cluster id -> the new ids.
    reopened: dict[int, tuple[str, ...]] = field(default_factory=dict)
    run: RunInfo = field(default_factory=RunInfo)

    @property
    def proposals(self) -> list[Cluster]:
        return [c for c in self.clusters if c.is_proposal]

    def key_of(self, cluster: Cluster) -> str:
        """A proposal's key: a merged group keeps the key it was decided under, new members or
        not; any other proposal's key comes from its member ids (review/proposals.py)."""
        earlier = self.carried.get(cluster.cluster_id)
        return earlier.key if earlier is not None and earlier.decision == MERGE and earlier.key else proposal_key(cluster)


Progress = Callable[[str, int, int], None]
