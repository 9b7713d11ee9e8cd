"""sweep and compare: sweep points equal separate embed runs; compare's loss at an embedding equals
the VICReg loss evaluated directly with NumPy (docs/math.md section 2)."""

from __future__ import annotations

import numpy as np
import pytest

import eigenpair


def vicreg_loss(z, a, gamma, beta=1.0):
    """beta ||Cov(Z) - I||_F^2 + (2 gamma / N) tr(Z^T L Z), Cov with the population 1/N."""
    g = a.toarray()
    n, k = z.shape
    centred = z - z.mean(axis=0)
    cov = centred.T @ centred / n
    lap = np.diag(g.sum(axis=1)) - g
    return beta * np.sum((cov - np.eye(k)) ** 2) + 2 * gamma / n * np.trace(z.T @ lap @ z)


def test_sweep_points_equal_separate_embed_runs(small_graph):
    a, labels = small_graph
    result = eigenpair.sweep(a, dims=[2, 4], gammas=[0.02, 0.3], labels=labels)
    assert {"rank-vs-gamma.svg", "spectrum.svg"} <= set(result.plots)
    assert result.plots["spectrum.svg"].lstrip().startswith("<")
    points = [p for p in result.report["points"] if p["loss"] == "vicreg"]
    assert len(points) == 4
    for p in points:
        single = eigenpair.embed(a, dim=p["dim"], loss="vicreg", gamma=p["gamma"])
        loss = single.report["losses"]["vicreg"]
        assert p["rank"] == loss["rank"]
        assert p["min_loss"] == pytest.approx(loss["min_loss"], rel=1e-10, abs=1e-12)
        z = single.Z["vicreg"]
        assert p["loss_at_z_star"] == pytest.approx(vicreg_loss(z, a, p["gamma"]), rel=1e-9, abs=1e-12)


def test_compare_measures_an_embedding_against_the_optimum(small_graph, tmp_path):
    a, _ = small_graph
    gamma = 0.1
    optimum = eigenpair.embed(a, dim=3, loss="vicreg", gamma=gamma).Z["vicreg"]
    z = np.random.default_rng(4).normal(size=optimum.shape)
    result = eigenpair.compare(a, z, loss="vicreg", gamma=gamma, out=tmp_path / "cmp")
    loss = result.report["losses"]["vicreg"]
    assert loss["loss_at_embedding"] == pytest.approx(vicreg_loss(z, a, gamma), rel=1e-10)
    assert loss["min_loss"] == pytest.approx(vicreg_loss(optimum, a, gamma), rel=1e-9, abs=1e-12)
    assert loss["gap"] > 0
    assert (tmp_path / "cmp" / "report.json").is_file() and result.out == str(tmp_path / "cmp")
    at_optimum = eigenpair.compare(a, optimum, loss="vicreg", gamma=gamma).report["losses"]["vicreg"]
    assert abs(at_optimum["gap"]) < 1e-9 * max(1.0, abs(at_optimum["min_loss"]))
    assert max(at_optimum["principal_angles_deg"]) < 1e-4


def test_labels_as_dict_and_array_agree(small_graph):
    a, labels = small_graph
    by_array = eigenpair.embed(a, dim=3, loss="vicreg", labels=labels).report
    by_dict = eigenpair.embed(a, dim=3, loss="vicreg", labels={i: f"class {c}" for i, c in enumerate(labels)}).report
    assert by_array["losses"]["vicreg"]["labels"]["captured_label_energy"] == pytest.approx(
        by_dict["losses"]["vicreg"]["labels"]["captured_label_energy"], rel=1e-12)
    # The label energy of Z* equals ||P_Z Y||^2 / ||H Y||^2 computed here (one-hot Y, centred).
    z = eigenpair.embed(a, dim=3, loss="vicreg").Z["vicreg"]
    assert by_array["losses"]["vicreg"]["labels"]["captured_label_energy"] == pytest.approx(
        captured_energy(z, labels), rel=1e-8)


def captured_energy(z, labels):
    y = (labels[:, None] == np.unique(labels)[None, :]).astype(float)
    y -= y.mean(axis=0)
    zc = z - z.mean(axis=0)
    q, _ = np.linalg.qr(zc)
    return np.sum((q.T @ y) ** 2) / np.sum(y**2)
