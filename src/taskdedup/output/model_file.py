"""The team model file `taskdedup learn` writes: small, human-readable TOML, the same bytes for the
same decisions (no dates, no absolute paths)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

import taskdedup
from taskdedup.clustering.learn import STRENGTH, Scores
from taskdedup.clustering.match import MatchModel
from taskdedup.config import DEFAULT_THRESHOLD
from taskdedup.input.model_file import MODEL_FORMAT
from taskdedup.messages import msg, translate
from taskdedup.quality.learning import Learning


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _scores(name: str, scores: Scores | None) -> str:
    if scores is None:
        return ""
    return f"{name} = {{ precision = {scores.precision}, recall = {scores.recall}, f1 = {scores.f1} }}\n"


def _model_line(model: MatchModel) -> str:
    return (
        f"{{ word = {round(model.word_weight, 6)}, char = {model.char_weight}, embedding = {model.embedding_weight}, "
        f"slope = {model.slope}, midpoint = {model.midpoint} }}"
    )


def model_toml(learning: Learning, *, survey: str, sources: Sequence[str], overruled: int, strength: float = STRENGTH) -> bytes:
    learned, builtin = learning.learned, learning.builtin
    model = learned.model
    lines = [
        "# A taskdedup match model, learned from the review decisions listed below.",
        "# Use it with `taskdedup cluster --model FILE` or `model = \"FILE\"` in taskdedup.toml.",
        f"format = {MODEL_FORMAT}",
        f"similarity = {_text(model.name)}",
        f"threshold = {DEFAULT_THRESHOLD}  # cluster --model groups at this probability unless --threshold is given",
        "",
        "[weights]  # shares of the mixed score (they add up to 1)",
        f"word = {round(model.word_weight, 6)}",
        f"char = {model.char_weight}",
        f"embedding = {model.embedding_weight}",
        "",
        "[scale]  # p = 1 / (1 + exp(-slope * (score - midpoint)))",
        f"slope = {model.slope}",
        f"midpoint = {model.midpoint}",
        "",
        "[fitted]",
        f"taskdedup = {_text(taskdedup.__version__)}",
        f"learned = {'true' if learned.learned else 'false'}",
        f"note = {_text(learned.reason)}",
        f"survey = {_text(Path(survey).name)}",
        f"decisions = [{', '.join(_text(Path(s).name) for s in sources)}]",
        f"same_pairs = {learned.same}",
        f"different_pairs = {learned.different}",
        f"overruled_pairs = {overruled}  # labelled both ways; the later file's label was kept",
        f"prior_strength = {strength}",
        f"built_in = {_model_line(builtin)}",
        "",
        "[report]  # pairwise, on the labelled pairs, each fold predicted by a fit on the others; p >= 0.5 is 'same'",
        f"folds = {learned.folds}",
    ]
    text = "\n".join(lines) + "\n" + _scores("built_in", learned.builtin) + _scores("learned", learned.refitted)
    return text.encode("utf-8")


def learning_report(learning: Learning, output: str, lang: str = "en") -> str:
    """What `learn` prints: how many labels, what learning bought, and the weights before and after."""
    learned, builtin = learning.learned, learning.builtin
    first = learned.reason
    if learning.unknown:
        first = msg("{reason}; {count} labelled pair(s) name tasks not in this survey and were left out", reason=first, count=learning.unknown)
    lines = [first]
    if learned.builtin is not None and learned.refitted is not None:
        lines.append(msg("cross-validated on the labelled pairs ({folds} folds, p >= 0.5 is 'same'):", folds=learned.folds))
        for label, s in ((msg("  built-in model:"), learned.builtin), (msg("  learned model: "), learned.refitted)):
            lines.append(msg("{label} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}", label=label, precision=s.precision,
                             recall=s.recall, f1=s.f1))
    model = learned.model
    before = f"{builtin.word_weight:.3f}/{builtin.char_weight:.3f}/{builtin.embedding_weight:.3f}"
    after = f"{model.word_weight:.3f}/{model.char_weight:.3f}/{model.embedding_weight:.3f}"
    lines.append(msg(
        "weights word/char/embedding {before} -> {after}; midpoint {midpoint:.3f} -> {midpoint2:.3f}; slope {slope:.2f} -> {slope2:.2f}",
        before=before, after=after,
        midpoint=builtin.midpoint, midpoint2=model.midpoint, slope=builtin.slope, slope2=model.slope,
    ))
    lines.append(msg("wrote {path}: use it with taskdedup cluster --model {path}", path=output))
    return "\n".join(translate(line, lang) for line in lines) + "\n"


def learning_json(learning: Learning, output: str) -> str:
    """`learn --format json`: the same facts as the report, for scripts."""
    learned = learning.learned

    def model(m: MatchModel) -> dict[str, float]:
        return {"word": round(m.word_weight, 6), "char": m.char_weight, "embedding": m.embedding_weight, "slope": m.slope, "midpoint": m.midpoint}

    record = {
        "learned": learned.learned,
        "note": learned.reason,
        "same_pairs": learned.same,
        "different_pairs": learned.different,
        "unknown_pairs": learning.unknown,
        "folds": learned.folds,
        "cross_validated": {
            "built_in": dataclasses.asdict(learned.builtin) if learned.builtin else None,
            "learned": dataclasses.asdict(learned.refitted) if learned.refitted else None,
        },
        "built_in_model": model(learning.builtin),
        "model": model(learned.model),
        "output": output,
    }
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"
