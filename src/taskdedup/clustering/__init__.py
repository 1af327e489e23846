"""Clustering: TF-IDF vectors -> a merge tree (dense n x n for small inputs, exact sparse above) -> labels.

Takes the `Vectors` matrix; gives a `MergeTree` that cuts into cluster labels at any threshold.
"""
