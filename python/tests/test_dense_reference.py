"""Z* from embed against the closed forms of docs/math.md evaluated with a dense NumPy
eigendecomposition of L, G and A_n. Tied eigenvalues make the basis arbitrary, so the comparison
is on Z Z^T, which every optimal basis shares (R cancels) as long as the K-th and (K+1)-th
eigenvalues differ; each test checks that gap first."""

from __future__ import annotations

import numpy as np
import pytest

import eigenpair

from conftest import connected, planted_partition

K = 5


def dense(a):
    g = a.toarray()
    d = g.sum(axis=1)
    inv_sqrt = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0.0)
    return g, d, np.diag(d) - g, inv_sqrt[:, None] * g * inv_sqrt[None, :], inv_sqrt


def assert_same_gram(z, reference, scale):
    assert z.shape == reference.shape
    np.testing.assert_allclose(z @ z.T, reference @ reference.T, atol=1e-8 * scale, rtol=0)


GRAPHS = {
    "dense path (60 nodes)": lambda: planted_partition(60, 3, 0.3, 0.03, seed=11),
    "Lanczos path (400 nodes)": lambda: planted_partition(400, 4, 0.06, 0.004, seed=5),
}


@pytest.fixture(scope="module", params=list(GRAPHS))
def case(request):
    a, _ = GRAPHS[request.param]()
    assert connected(a), "the reference below assumes one component"
    gamma = 0.05
    result = eigenpair.embed(a, dim=K, gamma=gamma)
    return a, gamma, result


def test_vicreg_is_laplacian_eigenmaps(case):
    a, gamma, result = case
    n = a.shape[0]
    _, _, lap, _, _ = dense(a)
    values, vectors = np.linalg.eigh(lap)
    values, vectors = values[1:], vectors[:, 1:]  # on 1-perp: drop the constant (connected graph)
    assert values[K] - values[K - 1] > 1e-6 * values[K]
    t = np.maximum(0, 1 - gamma * values[:K] / 1.0)
    reference = np.sqrt(n) * vectors[:, :K] * np.sqrt(t)
    np.testing.assert_allclose(result.spectra["L"], values[:K], rtol=1e-9)
    assert_same_gram(result.Z["vicreg"], reference, n)
    # The loss at Z* is the closed-form minimum sum_k beta (1 - t_k)^2 + 2 gamma t_k lambda_k.
    minimum = np.sum((1 - t) ** 2 + 2 * gamma * t * values[:K])
    assert result.report["losses"]["vicreg"]["min_loss"] == pytest.approx(minimum, rel=1e-9, abs=1e-12)


def test_simclr_is_the_best_psd_approximation_of_g(case):
    a, _, result = case
    n = a.shape[0]
    g, _, _, _, _ = dense(a)
    s = g.sum()
    values, vectors = np.linalg.eigh(g)
    values, vectors = values[::-1], vectors[:, ::-1]
    assert values[K - 1] - values[K] > 1e-6 * abs(values[0])
    reference = vectors[:, :K] * np.sqrt(n**2 / s * np.maximum(0, values[:K]))
    np.testing.assert_allclose(result.spectra["G"][:K], values[:K], rtol=1e-9)
    assert_same_gram(result.Z["simclr"], reference, n)


def test_simclr_degree_uses_the_normalised_adjacency(case):
    a, _, result = case
    g, _, _, an, inv_sqrt = dense(a)
    s = g.sum()
    values, vectors = np.linalg.eigh(an)
    values, vectors = values[::-1], vectors[:, ::-1]
    assert values[K - 1] - values[K] > 1e-6
    reference = np.sqrt(s) * inv_sqrt[:, None] * vectors[:, :K] * np.sqrt(np.maximum(0, values[:K]))
    assert_same_gram(result.Z["simclr-degree"], reference, a.shape[0])


def water_levels(mu: np.ndarray, k: int) -> np.ndarray:
    """y_k = max(0, 1 - nu / (2 mu_k)) with sum y / mu = k (docs/math.md 4a), by dropping the
    smallest mu while a level would be negative."""
    active = len(mu)
    while True:
        m = mu[:active]
        nu = 2 * (np.sum(1 / m) - k) / np.sum(1 / m**2)
        y = 1 - nu / (2 * m)
        if y.min() >= 0 or active == 1:
            return np.concatenate([np.maximum(y, 0), np.zeros(len(mu) - active)])
        active -= 1


def test_barlow_is_the_water_filling_over_a_n(case):
    a, _, result = case
    if "barlow" not in result.Z:
        pytest.fail("barlow not written: " + "; ".join(result.report["losses"]["barlow"]["notes"]))
    g, _, _, an, inv_sqrt = dense(a)
    s = g.sum()
    values, vectors = np.linalg.eigh(an)
    values, vectors = values[::-1][1:], vectors[:, ::-1][:, 1:]  # v_0^perp: drop the trivial 1
    assert values[K - 1] - values[K] > 1e-6 and values[K - 1] > 0
    y = water_levels(values[:K], K)
    # Z Z^T = S D^-1/2 U diag(y / mu) U^T D^-1/2: the rotation R of Schur-Horn cancels.
    reference = np.sqrt(s) * inv_sqrt[:, None] * vectors[:, :K] * np.sqrt(y / values[:K])
    assert_same_gram(result.Z["barlow"], reference, a.shape[0])
    assert result.report["losses"]["barlow"]["min_loss"] == pytest.approx(np.sum((1 - y) ** 2), rel=1e-8, abs=1e-12)
