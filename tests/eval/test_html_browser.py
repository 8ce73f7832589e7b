"""The HTML report opened in headless Chromium: the screenshot shows the results table."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from codesteer.eval import EvalSpec, run_eval_async
from codesteer.eval.publish import write_reports

from .conftest import WRONG
from .world import literal_executor, reference_answers, steer_model, task_model

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _screenshot(page: Path, png: Path, profile: Path) -> None:
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1200,900", page.as_uri()],
        check=True, capture_output=True, timeout=90,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
async def test_html_report_in_headless_chromium(spec: EvalSpec, tmp_path: Path) -> None:
    answers = reference_answers(spec.instances()[0], WRONG)
    models = {"task": task_model(answers, bare_wrong=True), "steer": steer_model()}
    run = tmp_path / "run"
    await run_eval_async(spec, run, models=models, executor=literal_executor)
    write_reports(run, (), plots=False, html=True)
    png = tmp_path / "report.png"
    _screenshot(run / "report" / "html" / "index.html", png, tmp_path / "profile")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    from matplotlib.image import imread

    pixels = imread(png)
    assert pixels.shape[:2] == (900, 1200)
    rgb = pixels[..., :3]
    header = ((abs(rgb[..., 0] - 0xE8 / 255) < 0.02) & (abs(rgb[..., 1] - 0xEE / 255) < 0.02)
              & (abs(rgb[..., 2] - 0xF7 / 255) < 0.02))
    aggregate = ((abs(rgb[..., 0] - 0xFB / 255) < 0.02) & (abs(rgb[..., 1] - 0xF6 / 255) < 0.02)
                 & (abs(rgb[..., 2] - 0xE6 / 255) < 0.02))
    dark = rgb.sum(axis=-1) < 1.0
    # the table's header band and its aggregate rows are drawn, with text in them
    assert header.sum() > 5000 and aggregate.sum() > 5000 and dark.sum() > 2000
