"""A team's match model file (written by `taskdedup learn`), read back for `cluster --model`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from taskdedup.clustering.learn import SIGNALS
from taskdedup.clustering.match import MatchModel
from taskdedup.errors import InputError
from taskdedup.input.config_file import load_toml
from taskdedup.messages import msg

MODEL_FORMAT = 1  # bumped when the file's meaning changes; a build reads only its own format
SIMILARITIES = ("hybrid", "lexical")


@dataclass(frozen=True)
class TeamModel:
    match: MatchModel
    threshold: float  # the probability threshold the fit recommends
    source: str


def _number(data: dict, key: str, path: str, where: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(msg('{path}: {where}{key} must be a number, got {value!r}; write the file again with taskdedup learn', path=path, where=where, key=key, value=value))
    return float(value)


def read_model(path: str | Path) -> TeamModel:
    """The model in `path`; any problem is one InputError naming the file and the fix."""
    name = str(path)
    file = Path(path)
    if not file.is_file():
        raise InputError(msg('{name}: no such model file; check --model (taskdedup learn writes one)', name=name))
    data = load_toml(file, msg("model file"), msg("write it again with taskdedup learn"))
    version = data.get("format")
    if version != MODEL_FORMAT:
        raise InputError(
            msg(
                '{name}: model format {version!r}, but this taskdedup reads format {expected}; learn the model again with '
                'this version (taskdedup learn)',
                name=name, version=version, expected=MODEL_FORMAT
            )
        )
    similarity = data.get("similarity")
    if similarity not in SIMILARITIES:
        raise InputError(msg('{name}: similarity must be one of {choices}, got {similarity!r}', name=name, choices=', '.join(SIMILARITIES), similarity=similarity))
    weights = data.get("weights")
    if not isinstance(weights, dict):
        raise InputError(msg('{name}: no [weights] table; write the file again with taskdedup learn', name=name))
    unknown = sorted(set(weights) - set(SIGNALS))
    if unknown:
        raise InputError(
            msg(
                '{name}: weights for signal(s) this build lacks: {unknown} (it has {signals}); learn the model again with this '
                'version',
                name=name, unknown=', '.join(unknown), signals=', '.join(SIGNALS)
            )
        )
    values = {k: _number(weights, k, name, "weights.") for k in SIGNALS if k in weights}
    if any(v < 0 for v in values.values()) or abs(sum(values.values()) - 1.0) > 1e-4:
        raise InputError(msg('{name}: the weights must be >= 0 and add up to 1, got {values}', name=name, values=values))
    if similarity == "lexical" and values.get("embedding", 0.0) > 0:
        raise InputError(msg('{name}: a lexical model cannot weigh the sentence embedding; set weights.embedding = 0', name=name))
    scale = data.get("scale")
    if not isinstance(scale, dict):
        raise InputError(msg('{name}: no [scale] table; write the file again with taskdedup learn', name=name))
    slope, midpoint = _number(scale, "slope", name, "scale."), _number(scale, "midpoint", name, "scale.")
    if slope <= 0:
        raise InputError(msg('{name}: scale.slope must be above 0, got {slope:g}', name=name, slope=slope))
    threshold = _number(data, "threshold", name, "")
    if not 0 < threshold <= 1:
        raise InputError(msg('{name}: threshold must be in (0, 1], got {threshold:g}', name=name, threshold=threshold))
    match = MatchModel(similarity, values.get("char", 0.0), values.get("embedding", 0.0), slope, midpoint)
    return TeamModel(match, threshold, name)
