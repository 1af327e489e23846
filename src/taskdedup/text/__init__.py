"""Text: raw cell text -> normalised text -> tokens (lexicon, Korean analysers, cache) -> TF-IDF vectors.

Takes the submissions' texts; gives token lists (tokens.py) and the `Vectors` the clustering compares.
"""
