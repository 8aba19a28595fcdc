from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mesems.protocol import load_protocol
from mesems.reports.render import write_report
from mesems.stats.sap import run_sap
from mesems.stats.snapshot import read_snapshot
from tests.stats.trial_tables import TrialScenario, write_trial_tables


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_trial_tables(tmp_path_factory.mktemp("trial"), np.random.default_rng(8), TrialScenario(participants=80))


def test_the_unblinded_report_has_html_pdf_tables_figures_and_provenance(trial: Path, tmp_path: Path) -> None:
    snapshot = read_snapshot(trial)
    files = write_report(run_sap(snapshot, load_protocol()), tmp_path, "MESEMS")
    html = files.html.read_text()
    assert snapshot.digest in html and "mesems " in html and "MESEMS, digest" in html
    assert "UNBLINDED REPORT" in html and "MSC-placebo" in html
    assert html.count("data:image/png;base64,") == 5
    assert files.pdf is not None and files.pdf.read_bytes().startswith(b"%PDF")
    assert {p.name for p in (tmp_path / "figures").iterdir()} == {"consort.png", "gel_per_visit.png", "forest.png",
                                                                   "km.png", "ae_bars.png"}
    assert (tmp_path / "tables" / "gel_models.csv").read_text().startswith("Model,n,")
    assert '"snapshot_digest"' in files.results.read_text()


def test_the_blinded_report_shows_nothing_by_sequence(trial: Path, tmp_path: Path) -> None:
    files = write_report(run_sap(read_snapshot(trial), load_protocol(), blinded=True), tmp_path, "MESEMS", pdf=False)
    html = files.html.read_text()
    assert "BLINDED REPORT" in html
    for word in ("MSC-placebo", "placebo-MSC", "PLACEBO", "Rate ratio"):
        assert word not in html
    for table in (tmp_path / "tables").iterdir():
        assert "MSC" not in table.read_text()
    assert not (tmp_path / "figures" / "forest.png").exists()


def test_the_same_data_give_the_same_report(trial: Path, tmp_path: Path) -> None:
    result = run_sap(read_snapshot(trial), load_protocol())
    first = write_report(result, tmp_path / "one", "MESEMS", pdf=False).html.read_bytes()
    second = write_report(result, tmp_path / "two", "MESEMS", pdf=False).html.read_bytes()
    assert first == second
