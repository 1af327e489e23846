"""The .json export (the whole result) and the JSON reports of the other commands."""

from __future__ import annotations

import json
from typing import Any

from taskdedup.output.records import result_to_dict
from taskdedup.results import Result


def to_json(result: Result, timings: bool = False) -> bytes:
    """The whole result. `timings` adds the seconds each stage took: asked for on the terminal
    (--verbose), never in a file, which must be the same bytes for the same input."""
    doc = result_to_dict(result)
    if timings:
        doc["timings"] = {stage: round(seconds, 3) for stage, seconds in result.timings.items()}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
