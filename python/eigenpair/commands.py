"""embed, linear, sweep and compare: the subcommands of the binary as Python functions.

Each writes its in-memory inputs into a temporary directory, runs the binary there (``out=None``:
also into a temporary directory, removed once the results are read), and returns the results as
NumPy arrays and dicts.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from . import _binary
from ._inputs import GraphInput, array_file, graph_input, labels_file

#: The losses of `embed`, `sweep` and `compare`, in the binary's order.
LOSSES = ("vicreg", "simclr", "simclr-degree", "barlow")
#: The losses with a linear closed form (`linear`).
LINEAR_LOSSES = ("vicreg", "simclr", "barlow")
#: Operator names of the spectrum-<operator>.npy files.
OPERATORS = ("L", "G", "An")


@dataclass
class Embedding:
    """What `embed` returns.

    ``Z[loss]``: the closed-form optimum Z*, an N x K float64 array whose row i is ``nodes[i]``;
    losses whose closed form does not exist at this K are absent (``report["losses"][loss]`` says
    why). ``nodes``: the node of each row (matrix inputs: the matrix row, so row i of Z is row i of
    the matrix; networkx inputs: the networkx node; edge arrays and files: the node ID).
    ``spectra[op]``: eigenvalues used, op in "L", "G", "An". ``report``: report.json as a dict.
    ``summary``: the table the binary printed. ``out``: the output directory (None when temporary).
    """

    Z: dict
    nodes: np.ndarray
    spectra: dict
    report: dict
    summary: str = ""
    out: str | None = None


@dataclass
class LinearResult:
    """What `linear` returns: ``W[loss]`` (P x K), ``Z[loss]`` = X W (rows in ``nodes`` order)."""

    W: dict
    Z: dict
    nodes: np.ndarray
    report: dict
    summary: str = ""
    out: str | None = None


@dataclass
class SweepResult:
    """What `sweep` returns: ``report`` (sweep.json), ``spectra``, ``plots`` {file name: SVG text}."""

    report: dict
    spectra: dict
    plots: dict = field(default_factory=dict)
    summary: str = ""
    out: str | None = None


@dataclass
class CompareResult:
    """What `compare` returns: ``report`` (report.json) and ``plots`` {file name: SVG text}."""

    report: dict
    plots: dict = field(default_factory=dict)
    summary: str = ""
    out: str | None = None


def _loss_argument(loss) -> str:
    if isinstance(loss, str):
        return loss
    names = list(loss)
    if not names:
        raise ValueError("loss: name at least one loss")
    return ",".join(names)


def _number(x) -> str | None:
    """A float exactly as Python holds it (repr round-trips); None stays None."""
    return None if x is None else repr(float(x))


def _integer(x) -> str | None:
    return None if x is None else str(int(x))


def _options(*pairs) -> list[str]:
    """``--name=value`` for each (name, value) pair; None leaves the option out, True gives a bare flag,
    False leaves it out. Values are passed with ``=`` so that negative numbers reach the binary's
    validation instead of reading as options."""
    return [f"--{name}" if value is True else f"--{name}={value}"
            for name, value in pairs if value is not None and value is not False]


def _solver_arguments(*, largest_component=False, tol=None, ncv=None, max_restarts=None,
                      laplacian_method=None, factor_budget=None, merge=None) -> list[str]:
    return _options(("largest-component", bool(largest_component)), ("tol", _number(tol)), ("ncv", _integer(ncv)),
                    ("max-restarts", _integer(max_restarts)), ("laplacian-method", laplacian_method),
                    ("factor-budget", _number(factor_budget)), ("merge", merge))


class _Workspace:
    """A temporary directory for the inputs, and the output directory (``out`` or a temporary one)."""

    def __init__(self, out, force: bool):
        self._tmp = tempfile.TemporaryDirectory(prefix="eigenpair-")
        self.inputs = self._tmp.name
        if out is None:
            self.out = os.path.join(self._tmp.name, "out")
            self.kept = None
        else:
            self.out = os.fspath(out)
            self.kept = self.out
        self.force = force

    def output_arguments(self) -> list[str]:
        return [f"--out={self.out}"] + (["--force"] if self.force else [])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._tmp.cleanup()


def _load(path: Path) -> np.ndarray:
    return np.load(path, allow_pickle=False)


def _spectra(out: Path) -> dict:
    return {op: _load(out / f"spectrum-{op}.npy") for op in OPERATORS if (out / f"spectrum-{op}.npy").is_file()}


def _plots(out: Path) -> dict:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.svg"))}


def _run(command: str, graph, own, read, *, labels=None, out=None, force=False, weight="weight", ranks=1,
         mpirun=None, verbose=False, extra_args: Sequence[str] = (), **solver):
    """Runs ``eigenpair COMMAND [GRAPH] --out ... OWN... SOLVER... [--quiet] EXTRA...`` in a workspace
    and returns ``read(output directory, graph input, summary, kept out)`` before the workspace goes.
    ``own(ws, g)`` gives the command's own options (writing its inputs into ``ws.inputs``)."""
    with _Workspace(out, force) as ws:
        g = graph_input(graph, ws.inputs, weight=weight) if graph is not None else None
        arguments = [command] + ([g.path] if g is not None else [])
        if labels is not None:
            arguments.append(f"--labels={labels_file(labels, g, ws.inputs)}")
        arguments += ws.output_arguments() + own(ws, g) + _solver_arguments(**solver)
        arguments += ([] if verbose else ["--quiet"]) + list(extra_args)
        summary = _binary.run(arguments, ranks=ranks, mpirun=mpirun, verbose=verbose)
        return read(Path(ws.out), g, summary, ws.kept)


def _hyper_arguments(loss, beta, lam=None, gamma=None, dim=None) -> list[str]:
    return _options(("loss", _loss_argument(loss)), ("beta", _number(beta)), ("lambda", _number(lam)),
                    ("gamma", _number(gamma)), ("dim", _integer(dim)))


def _report(o: Path, name: str = "report.json") -> dict:
    return json.loads((o / name).read_text(encoding="utf-8"))


def embed(graph, dim: int = 16, loss="all", *, labels=None, gamma=None, beta=1.0, lam=1.0,
          largest_component: bool = False, tol=None, ranks: int = 1, out=None, force: bool = False,
          ncv=None, max_restarts=None, laplacian_method=None, factor_budget=None, merge=None,
          weight: str = "weight", verbose: bool = False, mpirun: str | None = None,
          extra_args: Sequence[str] = ()) -> Embedding:
    """The closed-form optimal representation Z* of each loss for the pair graph ``graph``.

    ``graph``: a scipy.sparse matrix or array (node i = row i; isolated nodes kept), an (m, 2) or
    (m, 3) array of `u v [w]` rows, a networkx graph (edge attribute ``weight``), or a path to a
    file the binary reads. ``loss``: "all", one name, a comma list or a list of names from
    vicreg, simclr, simclr-degree, barlow. ``labels``: a path, a dict {node: label} or a sequence
    (entry i labels node i). ``lam`` is BarlowTwins' lambda. ``ranks > 1`` runs under mpirun
    (same results). ``out``: keep the binary's output directory there (``force`` replaces an
    existing one); None uses a temporary directory. The remaining options are the command line's
    (``eigenpair embed --help``); ``extra_args`` are appended to it verbatim.

    Raises EigenpairError (bad input: exit status 2) or NotConverged (exit status 3).
    """
    def read(o: Path, g: GraphInput, summary: str, kept) -> Embedding:
        Z = {name: _load(o / f"{name}.npy") for name in LOSSES if (o / f"{name}.npy").is_file()}
        return Embedding(Z=Z, nodes=g.node_names(_load(o / "nodes.npy")), spectra=_spectra(o),
                         report=_report(o), summary=summary, out=kept)

    return _run("embed", graph, lambda ws, g: _hyper_arguments(loss, beta, lam, gamma, dim), read,
                labels=labels, out=out, force=force, weight=weight, ranks=ranks, mpirun=mpirun,
                verbose=verbose, extra_args=extra_args, largest_component=largest_component, tol=tol,
                ncv=ncv, max_restarts=max_restarts, laplacian_method=laplacian_method,
                factor_budget=factor_budget, merge=merge)


def linear(graph=None, features=None, dim: int | None = None, loss="all", *, gamma=None, beta=1.0,
           pairs_from_labels=None, label_weighting: str | None = None, nodes=None, merge=None,
           ranks: int = 1, out=None, force: bool = False, weight: str = "weight", verbose: bool = False,
           mpirun: str | None = None, extra_args: Sequence[str] = ()) -> LinearResult:
    """The closed-form optimal linear network W* (Z = X W) of each loss.

    ``features``: X, an N x P float array (row i = node i, as for ``labels`` in `embed`) or a .npy
    path; ``nodes``: the node ID of each row of X (array or .npy path). Give either ``graph`` or
    ``pairs_from_labels`` (labels as in `embed`; the label graph, Fisher LDA with the default
    ``label_weighting`` "inverse-size"). Options as ``eigenpair linear --help``.
    """
    if features is None:
        raise ValueError("linear: features are required")

    def own(ws: _Workspace, g: GraphInput | None) -> list[str]:
        a = []
        if pairs_from_labels is not None:
            base = g or GraphInput(path="", kind="edges")
            a.append(f"--pairs-from-labels={labels_file(pairs_from_labels, base, ws.inputs, 'pairs.txt')}")
        a.append(f"--features={array_file(features, ws.inputs, 'features.npy', np.float64)}")
        if nodes is not None:
            a.append(f"--nodes={array_file(nodes, ws.inputs, 'nodes.npy', np.int64)}")
        return a + _options(("label-weighting", label_weighting)) + _hyper_arguments(loss, beta, gamma=gamma, dim=dim)

    def read(o: Path, g: GraphInput | None, summary: str, kept) -> LinearResult:
        W = {n: _load(o / f"{n}-W.npy") for n in LINEAR_LOSSES if (o / f"{n}-W.npy").is_file()}
        Z = {n: _load(o / f"{n}.npy") for n in LINEAR_LOSSES if (o / f"{n}.npy").is_file()}
        ids = _load(o / "nodes.npy")
        return LinearResult(W=W, Z=Z, nodes=g.node_names(ids) if g else ids, report=_report(o),
                            summary=summary, out=kept)

    return _run("linear", graph, own, read, out=out, force=force, weight=weight, ranks=ranks, mpirun=mpirun,
                verbose=verbose, extra_args=extra_args, merge=merge)


def _list_argument(values: Iterable, convert) -> str:
    return ",".join(convert(v) for v in values)


def sweep(graph, *, dims=None, gammas=None, loss="all", beta=1.0, lam=1.0, labels=None,
          largest_component: bool = False, tol=None, ranks: int = 1, out=None, force: bool = False,
          ncv=None, max_restarts=None, laplacian_method=None, factor_budget=None, merge=None,
          weight: str = "weight", verbose: bool = False, mpirun: str | None = None,
          extra_args: Sequence[str] = ()) -> SweepResult:
    """The closed forms over a grid of ``gammas`` (VICReg) and ``dims`` (K) from one eigen-solve per
    operator: ``report["points"]`` holds one entry per (loss, K[, gamma]). Options as `embed` and
    ``eigenpair sweep --help`` (None: the binary's default grids)."""
    def own(ws: _Workspace, g: GraphInput) -> list[str]:
        return _hyper_arguments(loss, beta, lam) + _options(
            ("dims", None if dims is None else _list_argument(dims, _integer)),
            ("gammas", None if gammas is None else _list_argument(gammas, _number)))

    def read(o: Path, g: GraphInput, summary: str, kept) -> SweepResult:
        return SweepResult(report=_report(o, "sweep.json"), spectra=_spectra(o), plots=_plots(o),
                           summary=summary, out=kept)

    return _run("sweep", graph, own, read, labels=labels, out=out, force=force, weight=weight, ranks=ranks,
                mpirun=mpirun, verbose=verbose, extra_args=extra_args, largest_component=largest_component,
                tol=tol, ncv=ncv, max_restarts=max_restarts, laplacian_method=laplacian_method,
                factor_budget=factor_budget, merge=merge)


def compare(graph, embedding, *, nodes=None, labels=None, dim=None, loss="all", gamma=None, beta=1.0,
            lam=1.0, largest_component: bool = False, tol=None, ranks: int = 1, out=None,
            force: bool = False, ncv=None, max_restarts=None, laplacian_method=None, factor_budget=None,
            merge=None, weight: str = "weight", verbose: bool = False, mpirun: str | None = None,
            extra_args: Sequence[str] = ()) -> CompareResult:
    """A trained ``embedding`` (N x K array or .npy path; row i = node i unless ``nodes`` gives the
    node ID of each row) against the closed-form optimum of each loss: ``report["losses"][loss]``
    has loss_at_embedding, min_loss, gap and principal angles. Options as ``eigenpair compare --help``."""
    def own(ws: _Workspace, g: GraphInput) -> list[str]:
        a = [f"--embedding={array_file(embedding, ws.inputs, 'embedding.npy', np.float64)}"]
        if nodes is not None:
            a.append(f"--nodes={array_file(nodes, ws.inputs, 'nodes.npy', np.int64)}")
        return a + _hyper_arguments(loss, beta, lam, gamma, dim)

    def read(o: Path, g: GraphInput, summary: str, kept) -> CompareResult:
        return CompareResult(report=_report(o), plots=_plots(o), summary=summary, out=kept)

    return _run("compare", graph, own, read, labels=labels, out=out, force=force, weight=weight, ranks=ranks,
                mpirun=mpirun, verbose=verbose, extra_args=extra_args, largest_component=largest_component,
                tol=tol, ncv=ncv, max_restarts=max_restarts, laplacian_method=laplacian_method,
                factor_budget=factor_budget, merge=merge)
