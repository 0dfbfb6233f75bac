"""Where the project's own files are: beside the package in a clone, or installed.

One lookup for templates, models and data files, so that moving a module never
changes what "the project root" means.
"""

from __future__ import annotations

from pathlib import Path

# service/paths.py -> service/ -> the project root (the clone, or site-packages' parent)
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def beside_package(relative: str | Path) -> Path:
    """``relative`` resolved against the project root (the clone's top folder)."""
    return PROJECT_ROOT / relative
