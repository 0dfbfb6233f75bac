"""The evaluation report: grouped-CV scores in, an HTML page with PNG plots out.

    DIR/index.html          per-theme precision, recall, F1 (autoescaped Jinja2:
                            templates/report/index.html), macro and per-theme F1 per
                            newsletter and leave one newsletter out, and the plots below
    DIR/pr-<theme>.png      precision-recall curve, the decision threshold marked
    DIR/scores-<theme>.png  score histograms of stories with and without the theme
    DIR/confusion.png       true themes (rows) against predicted themes (columns)

Plots need matplotlib, an optional extra (``pip install 'newsalerts[report]'``)
so that the service itself stays light; figures are drawn on the Agg canvas, no display.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from service.classify import evaluation, train
from service.classify.train import Example
from service.db.types import utc_now
from service.deliver import render
from service.domain import THEMES
from service.errors import ConfigError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["INSTALL_HINT", "CrossValidation", "confusion_counts", "cross_validate",
           "require_matplotlib", "write_report"]

log = logging.getLogger(__name__)

INSTALL_HINT = ("the report's plots need matplotlib: pip install 'newsalerts[report]' "
                "(or: pip install matplotlib)")
NONE = "(none)"  # the row and column of stories with no theme
Matrix = np.ndarray[Any, Any]


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold scores of the scored examples, and the metrics they give."""

    examples: list[Example]  # the scored ones, in the order of the rows below
    truth: Matrix  # bool, examples x THEMES
    scores: Matrix  # float 0..1, examples x THEMES
    thresholds: dict[str, float]
    metrics: dict[str, Any]


def cross_validate(examples: Sequence[Example], folds: int = 5,
                   params: Mapping[str, Any] | None = None,
                   on_fold: Callable[[int], None] | None = None) -> CrossValidation:
    """train.evaluate's figures, keeping each tested story's grouped-CV scores for the plots.

    Same folds, same recipe, same threshold, same leave-one-newsletter-out: the
    metrics are evaluate's.  ``on_fold(n)`` is called as fold n is done (a progress bar).
    """
    params = {**train.DEFAULT_PARAMS, **(params or {})}
    tested, scores = evaluation.out_of_fold_scores(examples, folds, params, on_fold)
    left_out = evaluation.leave_one_out_scores(examples, params)
    threshold = float(params["threshold"])
    metrics = evaluation.summarize(examples, tested, scores, left_out, threshold, folds)
    kept = [examples[i] for i in tested]
    return CrossValidation(kept, _truth(kept), scores, {t: threshold for t in THEMES}, metrics)


def write_report(directory: Path, examples: Sequence[Example], scores: Matrix,
                 metrics: Mapping[str, Any],
                 thresholds: Mapping[str, float] | None = None) -> Path:
    """Write DIR/index.html and its PNGs; returns the page's path.

    ``scores[i]`` are the out-of-fold scores of ``examples[i]`` (THEMES order).
    """
    require_matplotlib()
    thresholds = {t: float((thresholds or {}).get(t, 0.5)) for t in THEMES}
    truth, scores = _truth(examples), np.asarray(scores, dtype=float)
    directory.mkdir(parents=True, exist_ok=True)
    themes = [_theme_plots(directory, theme, truth[:, column], scores[:, column],
                           thresholds[theme], metrics.get(theme, {}))
              for column, theme in enumerate(THEMES)]
    predicted = np.column_stack([scores[:, i] >= thresholds[t] for i, t in enumerate(THEMES)])
    rows, columns, counts = confusion_counts(truth, predicted.reshape(truth.shape))
    _save(_confusion_figure(rows, columns, counts), directory / "confusion.png")
    page = directory / "index.html"
    page.write_text(_render(themes, metrics, rows, columns, counts, len(examples)),
                    encoding="utf-8")
    log.info("wrote the evaluation report %s", page)
    return page


def _theme_plots(directory: Path, theme: str, truth: Matrix, scores: Matrix, threshold: float,
                 metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Draw one theme's curve and histogram; its row of the page's table."""
    from sklearn.metrics import average_precision_score

    curve, histogram = f"pr-{theme}.png", f"scores-{theme}.png"
    _save(_pr_figure(theme, truth, scores, threshold), directory / curve)
    _save(_histogram(theme, truth, scores, threshold), directory / histogram)
    has_both = 0 < int(truth.sum()) < len(truth)
    return {"name": theme, "precision": metrics.get("precision"),
            "recall": metrics.get("recall"), "f1": metrics.get("f1"),
            "support": metrics.get("support", int(truth.sum())),
            "average_precision": float(average_precision_score(truth, scores))
            if has_both else None,
            "threshold": threshold, "curve": curve, "histogram": histogram}


def _save(figure: Figure, path: Path) -> None:
    figure.savefig(path, format="png", dpi=100)


def confusion_counts(truth: Matrix, predicted: Matrix
                     ) -> tuple[list[str], list[str], list[list[int]]]:
    """How many stories with true theme (row) were given theme (column).

    A story counts once in every (true, predicted) pair it has, so the
    diagonal holds the hits and the rest the confusions; "(none)" is a
    story with no theme, on either side.
    """
    names = [*THEMES, NONE]
    true_sets = [_with_none(row) for row in np.asarray(truth, dtype=bool)]
    predicted_sets = [_with_none(row) for row in np.asarray(predicted, dtype=bool)]
    counts = [[0] * len(names) for _ in names]
    for true_set, predicted_set in zip(true_sets, predicted_sets, strict=True):
        for i in true_set:
            for j in predicted_set:
                counts[i][j] += 1
    return names, names, counts


def _with_none(row: Matrix) -> list[int]:
    chosen = [i for i, on in enumerate(row) if on]
    return chosen or [len(THEMES)]


def _truth(examples: Sequence[Example]) -> Matrix:
    return np.array([[t in e.themes for t in THEMES] for e in examples], dtype=bool).reshape(
        len(examples), len(THEMES))


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT) from exc


def _new_figure(width: float, height: float) -> Figure:
    """A figure drawn by the Agg canvas: no pyplot, so no display, no global state.

    Margins are fixed per plot rather than computed (tight_layout): a third of the time.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def _pr_figure(theme: str, truth: Matrix, scores: Matrix, threshold: float) -> Figure:
    from sklearn.metrics import precision_recall_curve

    figure = _new_figure(4.5, 4)
    axes = figure.subplots()
    if 0 < int(truth.sum()) < len(truth):
        precision, recall, _ = precision_recall_curve(truth, scores)
        axes.plot(recall, precision, drawstyle="steps-post", label=theme)
        chosen = scores >= threshold
        hits = int((chosen & truth).sum())
        axes.plot([hits / int(truth.sum())], [hits / max(int(chosen.sum()), 1)], "o",
                  label=f"threshold {threshold:g}")
        axes.legend(loc="lower left")
    else:
        axes.text(0.5, 0.5, "needs stories with and without the theme", ha="center")
    axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.05),
             title=f"{theme}: precision against recall")
    figure.subplots_adjust(left=0.15, bottom=0.13, right=0.96, top=0.91)
    return figure


def _histogram(theme: str, truth: Matrix, scores: Matrix, threshold: float) -> Figure:
    figure = _new_figure(4.5, 3.2)
    axes = figure.subplots()
    bins = [step / 20 for step in range(21)]
    # Log counts: the pile of clear "no" stories near 0 would flatten everything else.
    axes.hist([scores[~truth], scores[truth]], bins=bins, log=True,  # side by side
              label=[f"not {theme}", theme], color=["#bbbbbb", "#1f77b4"])
    axes.axvline(threshold, color="#d62728", linestyle="--", label="threshold")
    axes.set(xlabel=f"{theme} score", ylabel="stories", title=f"{theme}: scores")
    axes.legend(loc="best", fontsize="small")
    figure.subplots_adjust(left=0.14, bottom=0.16, right=0.96, top=0.89)
    return figure


def _confusion_figure(rows: list[str], columns: list[str], counts: list[list[int]]) -> Figure:
    figure = _new_figure(5.5, 4.8)
    axes = figure.subplots()
    # Shade by share of the row, so a rare theme's confusions show as well as a common one's.
    shares = np.array(counts, dtype=float)
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1.0)
    axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            axes.text(j, i, str(count), ha="center", va="center",
                      color="white" if shares[i, j] > 0.5 else "black")
    axes.set_xticks(range(len(columns)), columns, rotation=30)
    axes.set_yticks(range(len(rows)), rows)
    axes.set(xlabel="predicted theme", ylabel="true theme", title="themes: true against predicted")
    figure.subplots_adjust(left=0.2, bottom=0.17, right=0.98, top=0.92)
    return figure


def _render(themes: list[dict[str, Any]], metrics: Mapping[str, Any], rows: list[str],
            columns: list[str], counts: list[list[int]], scored: int) -> str:
    template = render.environment(render.templates_dir()).get_template("report/index.html")
    return template.render(
        themes=themes, micro_f1=metrics.get("micro_f1"), macro_f1=metrics.get("macro_f1"),
        evaluation=metrics.get("evaluation", ""), scored=scored,
        sources=_source_rows(metrics),
        generated=utc_now().strftime("%Y-%m-%d %H:%M UTC"),
        confusion={"rows": rows, "columns": columns, "counts": counts})


def _source_rows(metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per newsletter: its size, grouped-CV F1s and leave-one-out F1s."""
    by_source, left_out = metrics.get("by_source") or {}, metrics.get("leave_one_out") or {}
    sizes = metrics.get("source_sizes") or {}
    empty = dict.fromkeys(["macro", *THEMES])
    return [{"name": name, "stories": sizes.get(name),
             "cv": {**empty, **by_source.get(name, {})},
             "loo": {**empty, **left_out.get(name, {})}}
            for name in sorted({*by_source, *left_out})]
