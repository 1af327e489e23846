"""The compiled kernels of the sparse path, loaded ahead of the run that will call them."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from taskdedup.clustering.sparse import sparse_tree


def load_kernels() -> None:
    """Run a tiny tree through the code a large one takes, so that numba loads the join's,
    the chain's and the components' machine code from its cache now: ~0.4 s (importing numba,
    its typing context, each kernel) that a run otherwise spends while its join waits; `prepare`
    starts it in a thread when a run's texts come from the cache. Its weights are float64 as the vectors' are
    (scipy picks the index type the same way for both), so the kernels are loaded for the
    argument types the run calls them with, not compiled again (tests/clustering/test_sparse.py)."""
    tiny = sp.csr_matrix(np.array([[1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [0.0, 0.6, 0.8], [0.0, 0.6, 0.8]]))
    try:
        _, join = sparse_tree(tiny, "average", 0.3, jobs=2)
        join.component  # noqa: B018  (the components' kernel)
    except Exception:  # noqa: BLE001  the run's own call meets any such error again, and reports it
        pass
