"""Quality: how good a clustering is and why (metrics, evaluate, tune, explain).

Takes a `results.Prepared` tree and gold labels or pairs; gives scores, a recommended threshold, term contributions.
"""
