"""The evaluation report: index.html with per-theme metrics and PNG plots."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from service.classify.examples import with_hand_written
from service.classify.report import confusion_counts, require_matplotlib, write_report
from service.classify.train import Example, evaluate, load_examples
from service.cli.models import metrics_table, report_command
from service.domain import THEMES
from service.errors import ConfigError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def synthetic(count: int = 40) -> tuple[list[Example], np.ndarray]:
    """Examples whose scores lean the right way, with a few mistakes."""
    rng = np.random.default_rng(7)
    examples = [Example(f"s{i}", "text", tuple(t for t in THEMES if rng.random() < 0.35),
                        f"g{i % 8}") for i in range(count)]
    truth = np.array([[t in e.themes for t in THEMES] for e in examples])
    return examples, np.clip(truth * 0.55 + rng.random(truth.shape) * 0.5, 0.0, 1.0)


def assert_valid_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE, path
    with Image.open(path) as image:
        image.verify()  # a truncated or corrupt file raises here
    with Image.open(path) as image:
        assert image.format == "PNG" and min(image.size) >= 100


def test_report_writes_index_html_and_a_valid_png_per_plot(tmp_path: Path) -> None:
    examples, scores = synthetic()
    metrics = {**{t: {"precision": 0.81, "recall": 0.72, "f1": 0.762, "support": 9}
                  for t in THEMES},
               "micro_f1": 0.77, "macro_f1": 0.765, "evaluation": "grouped 5-fold CV by issue"}

    page = write_report(tmp_path / "report", examples, scores, metrics)

    assert page == tmp_path / "report" / "index.html"
    html = page.read_text(encoding="utf-8")
    pngs = {"confusion.png"} | {f"{kind}-{t}.png" for t in THEMES for kind in ("pr", "scores")}
    for name in pngs:
        assert_valid_png(tmp_path / "report" / name)
        assert f'src="{name}"' in html
    assert set(re.findall(r'src="([^"]+)"', html)) == pngs
    for theme in THEMES:
        assert f'<tr id="theme-{theme}">' in html and f'<h2 id="{theme}">{theme}</h2>' in html
    assert "0.762" in html and "macro F1 <strong>0.765</strong>" in html
    assert "grouped 5-fold CV by issue: 40 scored stories" in html


def test_report_html_is_escaped(tmp_path: Path) -> None:
    examples, scores = synthetic(12)
    metrics = {"micro_f1": 0.5, "macro_f1": 0.5, "evaluation": "<script>alert(1)</script>"}
    html = write_report(tmp_path, examples, scores, metrics).read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_confusion_counts_pair_every_true_theme_with_every_predicted_one() -> None:
    truth = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]], dtype=bool)
    predicted = np.array([[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]], dtype=bool)
    rows, columns, counts = confusion_counts(truth, predicted)
    assert rows == columns == [*THEMES, "(none)"]
    assert counts == [[1, 0, 1, 0, 0],   # safety -> safety, compute
                      [1, 0, 1, 0, 0],   # policy -> safety, compute
                      [0, 0, 0, 0, 0],
                      [0, 0, 0, 0, 1],   # robotics -> nothing
                      [0, 1, 0, 0, 0]]   # no theme -> policy


def test_without_matplotlib_the_report_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import` sees when absent
    with pytest.raises(ConfigError, match=re.escape("pip install 'newsalerts[report]'")):
        require_matplotlib()


def test_report_command_cross_validates_like_evaluate(shared_dir: Path, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in
            (shared_dir / "data" / "labeled" / "importai.jsonl").read_text().splitlines()]
    # the last issues only, quick to train on; in two files, listed as `evaluate` takes them
    recent, later = tmp_path / "recent.jsonl", tmp_path / "later.jsonl"
    recent.write_text("".join(json.dumps(row) + "\n" for row in rows
                              if 366 <= (row["issue"] or 0) < 370), encoding="utf-8")
    later.write_text("".join(json.dumps(row) + "\n" for row in rows
                             if (row["issue"] or 0) >= 370), encoding="utf-8")

    result = CliRunner().invoke(report_command, ["--labels", str(recent), str(later),
                                                 "--folds", "3", "--out", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    # like `evaluate`, it trains on the hand-written examples too
    expected = evaluate(with_hand_written(load_examples([recent, later])), folds=3)
    assert metrics_table(expected) in result.stdout
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert all(f'<h2 id="{theme}">' in html for theme in THEMES)
    assert_valid_png(tmp_path / "out" / "confusion.png")


def test_report_shows_each_newsletter_and_leave_one_out(tmp_path: Path) -> None:
    examples, scores = synthetic()
    metrics = {**{t: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 1} for t in THEMES},
               "micro_f1": 0.5, "macro_f1": 0.5, "evaluation": "grouped 5-fold CV by issue",
               "source_sizes": {"Import AI": 30, "Weekly Digest": 10},
               "by_source": {"Import AI": {"macro": 0.871, **dict.fromkeys(THEMES, 0.5)},
                             "Weekly Digest": {"macro": 0.5, **dict.fromkeys(THEMES, None)}},
               "leave_one_out": {"Import AI": {"macro": 0.612, **dict.fromkeys(THEMES, 0.25)}}}
    html = write_report(tmp_path, examples, scores, metrics).read_text(encoding="utf-8")
    table = html[html.index('<table id="sources">'):]
    table = table[:table.index("</table>")]
    assert "Import AI" in table and "Weekly Digest" in table
    assert "0.871" in table and "0.612" in table and "0.250" in table
    assert table.count("–") >= len(THEMES) + 1  # the digest's missing figures and left-out row
