"""Output: a Result -> records -> the bytes of each format (csv, review workbook, json, html report), the terminal view, and atomic file writes.

Takes `results.Result` (or `review.apply.Applied`); gives bytes for files.write_outputs, or text for the terminal.
"""
