"""Shared fixtures: the binary under test (EIGENPAIR_BIN, as `make test` sets it) and small graphs
built with NumPy/SciPy only, so every reference in these tests is independent of the binary."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest
import scipy.sparse as sp

import eigenpair
import eigenpair.commands

from report_schema import assert_valid


@pytest.fixture(autouse=True)
def every_report_matches_the_schema(monkeypatch):
    """Every report.json / sweep.json the package reads in any test is validated against
    docs/report.schema.json (strict number/integer types, snake_case keys) before the test sees it."""
    read = eigenpair.commands._report

    def validated(o, name="report.json"):
        report = read(o, name)
        assert_valid(report, f"{name} of {report.get('command')}")
        return report

    monkeypatch.setattr(eigenpair.commands, "_report", validated)


@pytest.fixture(scope="session")
def binary() -> str:
    """The binary the package runs; the tests fail (not skip) without one."""
    return eigenpair.find_binary()


def run_cli(binary: str, *arguments, cwd=None) -> subprocess.CompletedProcess:
    """The command line itself, without the package (the reference the package must match)."""
    return subprocess.run([binary, *map(str, arguments)], capture_output=True, text=True, cwd=cwd)


def planted_partition(n: int, classes: int, p_in: float, p_out: float, seed: int, weighted: bool = True,
                      isolated: int = 0) -> tuple[sp.csr_array, np.ndarray]:
    """A symmetric planted-partition adjacency (zero diagonal) and its classes; the last
    ``isolated`` nodes have no edges. Weights are integers 1..3, or 1."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % classes
    same = labels[:, None] == labels[None, :]
    p = np.where(same, p_in, p_out)
    upper = np.triu(rng.random((n, n)) < p, k=1)
    if isolated:
        upper[n - isolated:, :] = False
        upper[:, n - isolated:] = False
    weights = rng.integers(1, 4, size=(n, n)) if weighted else np.ones((n, n), dtype=np.int64)
    a = np.where(upper, weights, 0).astype(np.float64)
    a = a + a.T
    return sp.csr_array(a), labels


@pytest.fixture(scope="session")
def small_graph():
    """60 nodes in 3 classes, integer weights, 2 isolated nodes at the end."""
    return planted_partition(60, 3, 0.3, 0.03, seed=11, isolated=2)


@pytest.fixture(scope="session")
def lanczos_graph():
    """400 nodes in 4 classes: above the binary's dense limit (256), so its Lanczos path runs."""
    return planted_partition(400, 4, 0.06, 0.004, seed=5)


def connected(a: sp.csr_array) -> bool:
    count, _ = sp.csgraph.connected_components(a, directed=False)
    return count == 1


os.environ.setdefault("OMP_NUM_THREADS", "1")
