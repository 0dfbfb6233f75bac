"""Fixtures shared by every test module: paths, and the real servers' plugins."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from service.ingest.pipeline import Tagger

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSALERTS_SHARED", REPO.parent / "shared"))

pytest_plugins = ["tests.imap_servers", "tests.db", "tests.smtp_server", "tests.browser"]


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    """The committed, active model: the one the service runs with."""
    from service.classify.model import Classifier

    return Classifier.load(REPO / "models")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "data").is_dir():
        pytest.fail(f"../shared not found at {SHARED}; set NEWSALERTS_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def importai_emls(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "data" / "importai").glob("*/*.eml"))
