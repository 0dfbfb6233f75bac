"""Where the project's own files are: beside the package in a clone, or shipped inside it.

One lookup for templates, models and data files, so that moving a module never
changes what "the project root" means.  A wheel (``pip install .``) carries
copies of what the service reads at run time, made at build time by
``setup.py`` (never committed twice): the top-level ``templates/`` and
``examples/`` under ``service/shipped/``, and the active model of ``models/``
under ``service/classify/default_model/``.
"""

from __future__ import annotations

from pathlib import Path

# service/paths.py -> service/ -> the project root (the clone, or site-packages' parent)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Filled only in a built package: the copies setup.py makes.
SHIPPED = Path(__file__).resolve().parent / "shipped"


def beside_package(relative: str | Path) -> Path:
    """``relative`` resolved against the project root (the clone's top folder)."""
    return PROJECT_ROOT / relative


def from_clone() -> bool:
    """Whether the package runs from its clone (recognised by its pyproject.toml), so
    that an unrelated ``templates`` or ``models`` folder in site-packages is never ours."""
    return (PROJECT_ROOT / "pyproject.toml").is_file()


def project_file(relative: str | Path) -> Path:
    """The clone's ``relative`` when running from a clone, else the installed copy."""
    if from_clone() and (PROJECT_ROOT / relative).exists():
        return PROJECT_ROOT / relative
    return SHIPPED / relative
