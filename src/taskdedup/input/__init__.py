"""Input: files (csv/tsv/txt/xlsx/xls/stdin) -> a Table of text cells -> columns -> Submissions.

Takes a path; gives `Table` (tables.read_table) and `Submission` records (submissions.to_submissions).
"""
