"""The .json export (the whole result) and the JSON reports of the other commands."""

from __future__ import annotations

import json
from typing import Any

from taskdedup.output.records import result_to_dict
from taskdedup.pipeline import Result


def to_json(result: Result) -> bytes:
    return (json.dumps(result_to_dict(result), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
