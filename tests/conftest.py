"""Fixtures shared by every test module: paths, and the real servers' plugins."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import REPO, SHARED

if TYPE_CHECKING:
    from service.ingest.pipeline import Tagger


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
