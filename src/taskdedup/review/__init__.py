"""Review: cluster labels -> merge proposals with their evidence, themes, near misses; analysts' decisions and `apply`.

Takes labels and the vectors; gives `Cluster`/`Theme` records, and reads decisions back from a review workbook.
"""
