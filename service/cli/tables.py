"""Plain-text tables of evaluation figures, for `newsalerts train`, `evaluate` and `report`.

Pure formatting of evaluation.py's metrics dict: no scikit-learn here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.domain import THEMES

__all__ = ["metrics_table", "source_tables"]


def metrics_table(metrics: Mapping[str, Any]) -> str:
    """Grouped CV: per-theme precision, recall, F1, support; micro and macro F1."""
    lines = [f"{'theme':10} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>7}"]
    for theme in THEMES:
        row = metrics[theme]
        lines.append(f"{theme:10} {_cell(row['precision']):>9} {_cell(row['recall']):>7} "
                     f"{_cell(row['f1']):>6} {row.get('support', ''):>7}")
    lines.append(f"micro F1 {metrics['micro_f1']:.3f}   macro F1 {_cell(metrics['macro_f1'])}   "
                 f"({metrics.get('evaluation', '')})")
    return "\n".join(lines)


BY_SOURCE_CV = "per newsletter (grouped CV, all newsletters trained on)"


def source_tables(metrics: Mapping[str, Any], by_source: str = BY_SOURCE_CV) -> str:
    """The per-newsletter (titled ``by_source``) and leave-one-newsletter-out tables; ""
    when there are none."""
    sizes = dict(metrics.get("source_sizes") or {})
    parts = []
    for key, title in (("by_source", by_source),
                       ("leave_one_out", "leave one newsletter out (trained on the others)")):
        rows = dict(metrics.get(key) or {})
        if rows:
            parts.append(_f1_table(title, rows, sizes))
    return "\n\n".join(parts)


def _f1_table(title: str, rows: Mapping[str, Mapping[str, float | None]],
              sizes: Mapping[str, int]) -> str:
    width = max(10, *(len(name) for name in rows))
    lines = [f"F1 {title}",
             f"{'newsletter':{width}} {'stories':>7} {'macro':>6} "
             + " ".join(f"{theme:>8}" for theme in THEMES)]
    for name, row in rows.items():
        cells = " ".join(f"{_cell(row.get(theme)):>8}" for theme in THEMES)
        lines.append(f"{name:{width}} {sizes.get(name, ''):>7} {_cell(row.get('macro')):>6} "
                     f"{cells}")
    lines.append("(– : no labeled story and no prediction of that theme there)")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
