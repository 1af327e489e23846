"""The team model file: written by learn, read by --model; every broken file is one clear line."""

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from taskdedup.clustering.learn import learn
from taskdedup.clustering.match import match_model
from taskdedup.errors import InputError
from taskdedup.input.model_file import read_model
from taskdedup.output.model_file import model_toml
from taskdedup.quality.learning import Learning

SAMPLES = Path(__file__).parents[2] / "data" / "samples"
GOOD = """format = 1
similarity = "hybrid"
threshold = 0.5
[weights]
word = 0.3
char = 0.1
embedding = 0.6
[scale]
slope = 30.0
midpoint = 0.7
"""


def test_what_learn_writes_reads_back_as_the_same_model(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    same = np.arange(40) % 2 == 0
    features = np.c_[np.where(same, 0.7, 0.3) + rng.uniform(-0.1, 0.1, 40), rng.uniform(0, 1, (40, 2))]
    learned = learn(features, same, match_model("hybrid"))
    path = tmp_path / "team.toml"
    learning = Learning(learned, match_model("hybrid"), used=40, unknown=0)
    path.write_bytes(model_toml(learning, survey="/data/survey.xlsx", sources=["/a/r1.xlsx"], overruled=0))
    team = read_model(path)
    assert team.match == learned.model and team.threshold == 0.5
    text = path.read_text(encoding="utf-8")
    assert 'survey = "survey.xlsx"' in text and "/data" not in text  # no folders: the same bytes on every machine


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "{path}: no such model file; check --model (taskdedup learn writes one)"),
        ("format = 1\n[weights\n", "{path}: not valid TOML (Expected ']' at the end of a table declaration (at line 2, column 9)); write it again with taskdedup learn"),
        (GOOD.replace("format = 1", "format = 2"), "{path}: model format 2, but this taskdedup reads format 1; learn the model again with this version (taskdedup learn)"),
        (GOOD.replace("embedding = 0.6", "embedding = 0.5\nsound = 0.1"),
         "{path}: weights for signal(s) this build lacks: sound (it has word, char, embedding); learn the model again with this version"),
        (GOOD.replace("word = 0.3", "word = 0.5"), "{path}: the weights must be >= 0 and add up to 1, got {{'word': 0.5, 'char': 0.1, 'embedding': 0.6}}"),
        (GOOD.replace("slope = 30.0", "slope = \"steep\""), "{path}: scale.slope must be a number, got 'steep'; write the file again with taskdedup learn"),
        (GOOD.replace("similarity = \"hybrid\"", "similarity = \"semantic\""), "{path}: similarity must be one of hybrid, lexical, got 'semantic'"),
    ],
)
def test_a_bad_model_file_is_one_line(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "team.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_model(path)
    assert str(caught.value) == message.format(path=path)


def test_cluster_with_a_bad_model_file_exits_1_with_one_line(tmp_path: Path) -> None:
    from taskdedup.cli import app

    path = tmp_path / "team.toml"
    path.write_text(GOOD.replace("format = 1", "format = 7"), encoding="utf-8")
    done = CliRunner().invoke(app, ["cluster", str(SAMPLES / "survey_2018.csv"), "--model", str(path)])
    assert done.exit_code == 1
    assert done.stderr == f"Error: {path}: model format 7, but this taskdedup reads format 1; learn the model again with this version (taskdedup learn)\n"
