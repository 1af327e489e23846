"""Loaders for the public evaluation sets in ../shared/datasets (see its SOURCES.md).

Each loader returns a Dataset: distinct texts plus either gold cluster labels or labelled pairs.
Missing files raise FileNotFoundError; callers skip the set.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("TASKDEDUP_DATASETS", ROOT.parent / "shared" / "datasets"))
PETITIONS = DATASETS / "petitions_2019_2021" / "petition_data.csv"


def petition_titles(folder: Path) -> Path:
    """The petitions as a survey of titles (번호, 제목) in `folder`: the speed benchmarks' input."""
    path = folder / "petitions.csv"
    with PETITIONS.open(encoding="utf-8") as source, path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["번호", "제목"])
        writer.writerows([r["id"], r["title"]] for r in csv.DictReader(source))
    return path


@dataclass
class Dataset:
    name: str
    texts: list[str]
    gold: list[int] | None = None  # cluster label per text
    pairs: list[tuple[int, int, bool]] = field(default_factory=list)  # (i, j, same?)


class _Index:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.pos: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if text not in self.pos:
            self.pos[text] = len(self.texts)
            self.texts.append(text)
        return self.pos[text]


def parakqc() -> Dataset:
    path = DATASETS / "paraKQC" / "paraKQC_v1.txt"
    texts, gold = [], []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle):
            parts = line.rstrip("\n").split("\t")
            texts.append(parts[-1])
            gold.append(line_no // 10)
    return Dataset("paraKQC", texts, gold=gold)


def question_pair() -> Dataset:
    path = DATASETS / "question_pair" / "kor_pair_train.csv"
    index, pairs = _Index(), []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            # is_duplicate 0 means the SAME question (see SOURCES.md).
            pairs.append((index(row["question1"]), index(row["question2"]), row["is_duplicate"].strip() == "0"))
    return Dataset("Question_pair train", index.texts, pairs=pairs)


def korsts_dev() -> Dataset:
    path = DATASETS / "korsts" / "sts-dev.tsv"
    index, pairs = _Index(), []
    with path.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7:
                continue
            score = float(parts[4])
            if 3.0 <= score < 4.0:
                continue
            pairs.append((index(parts[5]), index(parts[6]), score >= 4.0))
    return Dataset("KorSTS dev", index.texts, pairs=pairs)


def sample() -> Dataset:
    survey = ROOT / "data" / "samples" / "survey_2018.csv"
    groups = ROOT / "data" / "samples" / "expected_groups.csv"
    with groups.open(encoding="utf-8") as handle:
        group_of = {row["연번"]: row["그룹"] for row in csv.DictReader(handle)}
    names: dict[str, int] = {}
    texts, gold = [], []
    with survey.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            texts.append(f"{row['과제명']}\n{row['과제내용']}")
            gold.append(names.setdefault(group_of[row["연번"]], len(names)))
    return Dataset("taskdedup sample (52)", texts, gold=gold)


ALL = {"parakqc": parakqc, "korsts": korsts_dev, "question_pair": question_pair, "sample": sample}
