"""The models/ directory: one folder per trained version, its card, the active pointer.

    models/
    ├── ACTIVE                   the active version, one line
    ├── 2026-11-26-1/
    │   ├── model.joblib         the fitted scikit-learn pipeline (training, benches)
    │   ├── model.npz            its numbers, which tagging reads (compiled.py)
    │   └── card.json            sha256 of both files, sklearn version, labels,
    │                            thresholds, training-data hash, metrics, params
    └── 2026-11-27-1/ ...

Versions are "<date>-<n>", sorted by date then n (so "-10" comes after "-9").
Every write goes through a temporary file and ``os.replace``: a crash leaves
either the old file or the new one, never half of one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from service.classify import compiled
from service.config import Settings
from service.errors import ModelError, ModelIntegrityError
from service.paths import beside_package, from_clone

logger = logging.getLogger(__name__)

# The model a built package ships (setup.py copies models/<ACTIVE> here at build time):
# what a fresh install tags with until a version of its own is activated.
SHIPPED_MODELS = Path(__file__).resolve().parent / "default_model"
ACTIVE_FILE = "ACTIVE"
CARD_FILE = "card.json"
MODEL_FILE = "model.joblib"
LOCK_FILE = ".lock"  # flock()ed while a version is named or ACTIVE written
# Folders of models/ that hold other models, with cards of their own: the segmenter's
# story starts (ingest/starts.py) are no theme classifier version
NOT_VERSIONS = frozenset({"starts"})
HISTORY_FILE = "HISTORY"  # the versions activated, oldest first: what a rollback goes back to
_VERSION = re.compile(r"^(\d{4}-\d{2}-\d{2})-(\d+)$")

Card = dict[str, Any]


def models_dir(settings: Settings) -> Path:
    """[models] dir; a relative one not found from here is looked up beside the package."""
    configured = Path(settings.models.dir)
    if configured.is_absolute() or configured.exists():
        return configured
    beside = beside_package(configured)
    return beside if from_clone() and beside.exists() else configured


def version_sort_key(version: str) -> tuple[str, int]:
    """Date first, then the day's counter as a number; odd names sort first."""
    match = _VERSION.match(version)
    return (match.group(1), int(match.group(2))) if match else ("", 0)


def list_versions(models_dir: Path) -> list[str]:
    """Every version that has a card, oldest first."""
    if not models_dir.is_dir():
        return []
    found = [p.name for p in models_dir.iterdir()
             if (p / CARD_FILE).is_file() and p.name not in NOT_VERSIONS]
    return sorted(found, key=lambda v: (version_sort_key(v), v))


def next_version(models_dir: Path, today: date) -> str:
    """The first unused "<today>-<n>"; the shipped default's name is taken too, so that a
    version trained here is never mistaken for it (messages, recorded model versions)."""
    shipped = active_version(SHIPPED_MODELS)
    # every folder, carded or not: a crash between the model and its card left one that
    # made each later save of the day fail on it (a read-only review)
    folders = [p.name for p in models_dir.iterdir() if p.is_dir()] if models_dir.is_dir() else []
    names = [*folders, *([shipped] if shipped else [])]
    taken = {version_sort_key(v)[1] for v in names if version_sort_key(v)[0] == today.isoformat()}
    return f"{today.isoformat()}-{max(taken, default=0) + 1}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_card(models_dir: Path, version: str) -> Card:
    if not version or Path(version).name != version or version.startswith("."):
        raise ModelError(f"{version!r} is not a model version name")  # no ../ escapes
    path = models_dir / version / CARD_FILE
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"model version {version!r} has no card at {path}") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"the model card {path} cannot be read: {exc}") from exc
    if not isinstance(card, dict):
        raise ModelError(f"the model card {path} is not a JSON object")
    return card


def active_version(models_dir: Path) -> str | None:
    try:
        text = (models_dir / ACTIVE_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None


def active_choice(models_dir: Path) -> tuple[Path, str | None]:
    """Where the active model is: ``models_dir``'s ACTIVE, else the shipped default."""
    shipped = shipped_in_use(models_dir)
    if shipped is not None:
        logger.info("no active model in %s: using the shipped %s", models_dir, shipped)
        return SHIPPED_MODELS, shipped
    return models_dir, active_version(models_dir)


def shipped_in_use(models_dir: Path) -> str | None:
    """The shipped default's version when it is what tags (``models_dir`` has no ACTIVE)."""
    if active_version(models_dir) is not None or models_dir.resolve() == SHIPPED_MODELS:
        return None
    return active_version(SHIPPED_MODELS)


def set_active(models_dir: Path, version: str, *, remember: bool = True) -> None:
    """Point ACTIVE at ``version``; refuses a version without a card.  ``remember`` puts it
    on the activations' history (HISTORY), which a rollback goes back along."""
    with locked(models_dir):
        _set_active(models_dir, version, remember=remember)


def _set_active(models_dir: Path, version: str, *, remember: bool) -> None:
    read_card(models_dir, version)
    if remember:
        history = _history(models_dir)
        if not history and (current := active_version(models_dir)) is not None:
            history = [current]  # a folder from before the history: what was active first
        if history[-1:] != [version]:
            _write_atomically(models_dir / HISTORY_FILE,
                              "".join(f"{v}\n" for v in [*history, version]).encode())
    _write_atomically(models_dir / ACTIVE_FILE, f"{version}\n".encode())
    logger.info("active model is now %s", version)


def previous_version(models_dir: Path) -> str:
    """The version active before the current one (HISTORY): where a rollback goes.  Never a
    version that was not active, such as a candidate the promotion gate kept out (it took
    the newest older name, a read-only review).  With no activation known before the
    current one, the newest version older than it."""
    current = active_version(models_dir)
    if current is None:
        shipped = shipped_in_use(models_dir)
        in_use = f"; the shipped default {shipped} is in use" if shipped else ""
        raise ModelError(f"no active model in {models_dir} to roll back from{in_use}")
    history = _history(models_dir)
    earlier = [v for v in history[:-1] if v != current and (models_dir / v / CARD_FILE).is_file()]
    if history[-1:] == [current] and earlier:  # (else, ACTIVE set by hand: by names, as before)
        return earlier[-1]
    versions = list_versions(models_dir)
    older = versions[: versions.index(current)] if current in versions else []
    if not older:
        raise ModelError(f"no version older than {current!r} in {models_dir} to roll back to")
    return older[-1]


def rollback(models_dir: Path) -> str:
    """Activate the previous version, and take the current one off the history; returns it."""
    with locked(models_dir):
        version = previous_version(models_dir)
        history = _history(models_dir)
        if history[-1:] == [active_version(models_dir)] and version in history[:-1]:
            kept = history[:len(history) - 1 - history[::-1][1:].index(version)]
            _write_atomically(models_dir / HISTORY_FILE,
                              "".join(f"{v}\n" for v in kept).encode())
        _set_active(models_dir, version, remember=False)
    return version


@contextmanager
def locked(models_dir: Path) -> Iterator[None]:
    """The models folder's writers one at a time: `newsalerts train` beside the scheduler's
    retrain, or two schedulers while one takes over, picked one version name or wrote
    ACTIVE and HISTORY over each other (a read-only review).  Not reentrant."""
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _history(models_dir: Path) -> list[str]:
    try:
        text = (models_dir / HISTORY_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def save_version(models_dir: Path, model: object, card: Card, *, today: date | None = None,
                 arrays: bytes | None = None) -> str:
    """Write ``model``, its compiled arrays and its card as a new version (not activated);
    returns the version.

    The card's version, file, arrays and sha256 fields are filled in here, from the
    bytes actually written.  ``arrays`` is ``compiled.export(model)`` when the caller has
    it already; a model it cannot carry is refused before anything is written (tagging
    reads only the arrays: such a version could never be used).
    """
    import joblib  # only here: a process that tags never pays for its import

    arrays = compiled.export(model) if arrays is None else arrays
    with locked(models_dir):  # the name picked and its folder made by one writer at a time
        version = next_version(models_dir, today or date.today())
        folder = models_dir / version
        folder.mkdir(parents=True, exist_ok=False)
    joblib.dump(model, folder / MODEL_FILE, compress=3)
    full_card = {**card, "version": version, "file": MODEL_FILE,
                 "sha256": file_sha256(folder / MODEL_FILE), **_write_arrays(folder, arrays)}
    _write_card(folder, full_card)
    logger.info("saved model version %s in %s", version, folder)
    return version


def add_arrays(models_dir: Path, version: str, arrays: bytes) -> None:
    """Give a version saved before compiled.py its ``model.npz`` (``arrays``: its pickle's
    numbers, compiled.export) and name it in its card."""
    folder = models_dir / version
    card = read_card(models_dir, version)
    _write_card(folder, {**card, **_write_arrays(folder, arrays)})


def _write_arrays(folder: Path, arrays: bytes) -> dict[str, Any]:
    _write_atomically(folder / compiled.ARRAYS_FILE, arrays)
    return {"arrays": compiled.ARRAYS_FILE, "arrays_format": compiled.FORMAT,
            "arrays_sha256": hashlib.sha256(arrays).hexdigest()}


def _write_card(folder: Path, card: Card) -> None:
    text = json.dumps(card, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _write_atomically(folder / CARD_FILE, text.encode("utf-8"))


def verified_file(models_dir: Path, version: str, card: Mapping[str, Any], name: str,
                   digest: str) -> tuple[Path, bytes]:
    """The file the card's ``name`` field names, read once and checked against its
    ``digest`` field (a sha256)."""
    file_name = str(card.get(name, ""))
    if not file_name or Path(file_name).name != file_name:
        raise ModelIntegrityError(f"card of {version} names an unsafe model file {file_name!r}")
    path = models_dir / version / file_name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"model file {path} is missing or unreadable: {exc}") from exc
    actual, expected = hashlib.sha256(data).hexdigest(), str(card.get(digest, ""))
    if actual != expected:
        raise ModelIntegrityError(
            f"model file {path} does not match its card: sha256 {actual}, card says "
            f"{expected or 'nothing'}; refusing to load it")
    return path, data


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename: ACTIVE never comes back empty
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; other services read models/
        os.replace(temporary, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # and the rename itself
        finally:
            os.close(folder)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
