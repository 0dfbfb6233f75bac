"""A version saved before compiled.py: its scikit-learn pickle, read and compiled.

Only model.py asks for it, and only for a card with no ``arrays`` file, so a
process that tags with a compiled version never imports scikit-learn or joblib.
The caller has checked the bytes against the card's sha256 before they reach
joblib (unpickling runs code); the bytes hashed are the bytes unpickled, not
the file read again.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib
import sklearn

from service.classify import model_store
from service.classify.compiled import CompiledModel, NotCompilable, export
from service.errors import ModelError

__all__ = ["compile_version", "compiled", "load_pipeline"]


def load_pipeline(path: Path, data: bytes, card: Mapping[str, Any]) -> Any:
    """The fitted scikit-learn pipeline in ``data`` (``path``'s verified bytes)."""
    trained_with = str(card.get("sklearn_version", ""))
    if _major_minor(trained_with) != _major_minor(sklearn.__version__):
        raise ModelError(
            f"{path} was trained with scikit-learn {trained_with or 'unknown'}, this is "
            f"{sklearn.__version__}: retrain it (newsalerts train) before loading")
    try:
        pipeline = joblib.load(io.BytesIO(data))
    except Exception as exc:  # unpickling can fail in many ways; all mean "not loadable"
        raise ModelError(f"{path} cannot be loaded: {exc}") from exc
    if not hasattr(pipeline, "predict_proba") or not hasattr(pipeline, "named_steps"):
        raise ModelError(f"{path} does not hold a theme classifier pipeline")
    return pipeline


def compiled(path: Path, data: bytes, card: Mapping[str, Any]) -> CompiledModel:
    """``load_pipeline``'s pipeline as the numbers tagging reads."""
    pipeline = load_pipeline(path, data, card)
    try:
        return CompiledModel.from_bytes(export(pipeline))
    except NotCompilable as exc:
        raise ModelError(f"{path} cannot be tagged with: {exc}") from exc
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # a pipeline not ours
        raise ModelError(f"{path} does not hold a theme classifier pipeline: {exc!r}") from exc


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def compile_version(models_dir: Path, version: str) -> bool:
    """Give ``version`` its ``model.npz`` from its pickle (checked against its card first);
    False if it had one already."""
    card = model_store.read_card(models_dir, version)
    if card.get("arrays"):
        return False
    path, data = model_store.verified_file(models_dir, version, card, "file", "sha256")
    try:
        arrays = export(load_pipeline(path, data, card))
    except NotCompilable as exc:
        raise ModelError(f"{path} cannot be compiled: {exc}") from exc
    model_store.add_arrays(models_dir, version, arrays)
    return True
