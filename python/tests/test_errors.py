"""EigenpairError carries the binary's exit status and its `error:` line; NotConverged is exit 3;
a missing binary says how to build it."""

from __future__ import annotations

import os

import numpy as np
import pytest
import scipy.sparse as sp

import eigenpair
from eigenpair import _binary

from conftest import run_cli


def test_bad_input_raises_with_the_binary_error_line(binary, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("0 1\n1 2\n1 x2\n")
    cli = run_cli(binary, "embed", bad, "--out", tmp_path / "cli", "--dim", 1, "--quiet")
    assert cli.returncode == 2
    with pytest.raises(eigenpair.EigenpairError) as caught:
        eigenpair.embed(bad, dim=1, out=tmp_path / "py")
    error = caught.value
    assert not isinstance(error, eigenpair.NotConverged)
    assert error.exit_status == 2
    assert cli.stderr == f"error: {error.message}\n"
    assert "bad.txt:3:" in error.message and "x2" in error.message
    assert not (tmp_path / "py").exists()


def test_usage_error_names_the_option(small_graph):
    a, _ = small_graph
    with pytest.raises(eigenpair.EigenpairError) as caught:
        eigenpair.embed(a, dim=2, beta=-1)
    assert caught.value.exit_status == 2
    assert "--beta" in caught.value.message


def test_non_convergence_raises_not_converged(lanczos_graph):
    a, _ = lanczos_graph
    with pytest.raises(eigenpair.NotConverged) as caught:
        eigenpair.embed(a, dim=4, loss="simclr", ncv=6, max_restarts=1)
    error = caught.value
    assert isinstance(error, eigenpair.EigenpairError) and error.exit_status == 3
    assert error.message.startswith("the eigensolver did not converge for G")
    assert "try a larger --max-restarts" in error.message  # the indented lines are part of it
    # The same settings with enough restarts converge: the failure is the settings, not the graph.
    assert eigenpair.embed(a, dim=4, loss="simclr").Z["simclr"].shape == (400, 4)


def test_in_memory_graph_is_checked_before_running():
    with pytest.raises(ValueError, match="negative"):
        eigenpair.embed(sp.csr_array(np.array([[0.0, -1.0], [-1.0, 0.0]])), dim=1)
    with pytest.raises(ValueError, match=r"\(m, 2\) or \(m, 3\)"):
        eigenpair.embed(np.zeros((4, 4)), dim=1)
    with pytest.raises(ValueError, match="integers"):
        eigenpair.embed(np.array([[0.5, 1.0], [1.0, 2.0]]), dim=1)


def test_missing_binary_says_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.setenv("EIGENPAIR_BIN", str(tmp_path / "nowhere" / "eigenpair"))
    with pytest.raises(eigenpair.BinaryNotFound, match="swift build -c release"):
        eigenpair.embed(np.array([[0, 1], [1, 2]]), dim=1)
    # Neither EIGENPAIR_BIN, nor PATH, nor a checkout around the working directory or the package.
    monkeypatch.delenv("EIGENPAIR_BIN")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_binary, "__file__", str(tmp_path / "site-packages" / "eigenpair" / "_binary.py"))
    with pytest.raises(eigenpair.BinaryNotFound) as caught:
        eigenpair.find_binary()
    assert "EIGENPAIR_BIN" in caught.value.message and caught.value.exit_status is None


def test_a_built_checkout_is_found_from_inside_it(binary, monkeypatch, tmp_path):
    root = tmp_path / "checkout"
    (root / ".build" / "debug").mkdir(parents=True)
    (root / "Package.swift").write_text('let package = Package(\n    name: "Eigenpair",\n)\n')
    os.symlink(os.path.abspath(binary), root / ".build" / "debug" / "eigenpair")
    (root / "docs").mkdir()
    monkeypatch.delenv("EIGENPAIR_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(root / "docs")
    monkeypatch.setattr(_binary, "__file__", str(tmp_path / "site-packages" / "eigenpair" / "_binary.py"))
    assert eigenpair.find_binary() == str(root / ".build" / "debug" / "eigenpair")


def test_mpirun_prefix_follows_ranks_cores_and_user(monkeypatch):
    monkeypatch.setenv("MPIRUN", "/opt/mpi/bin/mpirun")
    assert _binary.launcher(1) == ([], {})
    monkeypatch.setattr(_binary, "_usable_cores", lambda: 4)
    prefix, _ = _binary.launcher(4)
    assert prefix == ["/opt/mpi/bin/mpirun", "-np", "4"]
    prefix, env = _binary.launcher(5)
    assert prefix[-1] == "--oversubscribe"
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert _binary.launcher(2)[1] == {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert _binary.launcher(2)[1] == {}
    with pytest.raises(ValueError):
        _binary.launcher(0)
