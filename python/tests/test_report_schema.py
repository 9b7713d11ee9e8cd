"""docs/report.schema.json: every report kind the binary writes validates against it (the conftest
fixture validates every report any test reads; these tests make sure each kind and the optional
sections are produced), the schema rejects a renamed, mistyped or missing key, and the reports the
Swift CLI tests read (collected by `make test` in EIGENPAIR_REPORT_COLLECT) validate too."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import numpy as np
import pytest

import eigenpair
from report_schema import assert_valid, report_errors

KINDS = {"embed", "linear", "sweep", "compare"}


@pytest.fixture(scope="module")
def reports(small_graph, lanczos_graph) -> dict:
    """One report of each kind, each with its label section (and linear's label graph)."""
    a, labels = small_graph
    x = np.random.default_rng(3).normal(size=(a.shape[0], 5))
    big, big_labels = lanczos_graph
    embedded = eigenpair.embed(big, dim=4, labels=big_labels, laplacian_method="shift-invert")
    return {
        "embed": embedded.report,
        "linear": eigenpair.linear(a, x, dim=2).report,
        "linear-label-graph": eigenpair.linear(features=x, dim=2, pairs_from_labels=labels, loss="vicreg").report,
        "sweep": eigenpair.sweep(a, dims=[2, 3], gammas=[0.1, 1.0], labels=labels).report,
        "compare": eigenpair.compare(big, embedded.Z["vicreg"], labels=big_labels, loss="all").report,
    }


def test_every_kind_names_its_command_and_schema_version(reports):
    for name, report in reports.items():
        assert report["command"] == name.split("-")[0], name
        assert report["schema_version"] == "1.2", name
        assert isinstance(report["arguments"], list) and report["arguments"][1] == report["command"], name
        assert_valid(report, name)
    assert "labels" in reports["embed"] and "labels" in reports["sweep"] and "labels" in reports["compare"]
    assert "label_graph" in reports["linear-label-graph"] and "graph" not in reports["linear-label-graph"]


def test_one_name_for_the_loss_at_the_closed_form(reports):
    """loss_at_z_star in every command; loss_at_embedding only in compare, beside it."""
    assert all("loss_at_z_star" in l for l in reports["embed"]["losses"].values() if l["available"])
    assert all("loss_at_z_star" in l for l in reports["linear"]["losses"].values() if l["available"])
    assert all("loss_at_z_star" in p for p in reports["sweep"]["points"] if p["available"])
    compared = reports["compare"]["losses"]["vicreg"]
    assert "loss_at_z_star" in compared and "loss_at_embedding" in compared
    entries = [*reports["embed"]["losses"].values(), *reports["linear"]["losses"].values(),
               *reports["compare"]["losses"].values(), *reports["sweep"]["points"]]
    for entry in entries:
        assert "loss_at_solution" not in entry and not isinstance(entry.get("loss"), float), entry


def test_whole_floats_are_written_as_floats(reports):
    """beta = 1 and the sweep's gamma = 1 are Doubles: written 1.0, read back as float."""
    assert reports["embed"]["settings"]["hyperparameters"]["beta"] == 1.0
    assert isinstance(reports["embed"]["settings"]["hyperparameters"]["beta"], float)
    assert isinstance(reports["sweep"]["settings"]["gammas"][1], float)
    assert isinstance(reports["embed"]["graph"]["total_weight"], float)
    assert isinstance(reports["embed"]["graph"]["nodes"], int)


def _broken(report: dict, path: list, change) -> dict:
    r = copy.deepcopy(report)
    *parents, last = path
    target = r
    for p in parents:
        target = target[p]
    change(target, last)
    return r


def _rename(new):
    return lambda d, k: d.__setitem__(new, d.pop(k))


@pytest.mark.parametrize("name,path,change,why", [
    ("embed", ["losses", "vicreg", "loss_at_z_star"], _rename("loss"), "old name of the loss at Z*"),
    ("embed", ["peak_memory_bytes"], _rename("peakMemoryBytes"), "camelCase"),
    ("embed", ["schema_version"], lambda d, k: d.pop(k), "missing schema_version"),
    ("embed", ["settings", "hyperparameters", "beta"], lambda d, k: d.__setitem__(k, 1), "float written as int"),
    ("embed", ["graph", "nodes"], lambda d, k: d.__setitem__(k, float(d[k])), "int written as float"),
    ("embed", ["solves", 0, "max_residual"], _rename("max_resdiual"), "mistyped key in a solve"),
    ("sweep", ["points", 0, "loss_at_z_star"], _rename("loss_at_solution"), "old sweep name"),
    ("compare", ["losses", "vicreg", "gap"], lambda d, k: d.__setitem__(k, "large"), "string for a float"),
    ("linear", ["features", "rows_used"], _rename("rowsUsed"), "camelCase in linear"),
    ("compare", ["command"], lambda d, k: d.__setitem__(k, "embed"), "a compare report named embed"),
])
def test_schema_rejects_broken_reports(reports, name, path, change, why):
    assert not report_errors(reports[name]), name
    assert report_errors(_broken(reports[name], path, change)), why


def test_reports_of_the_swift_cli_tests():
    """make test sets EIGENPAIR_REPORT_COLLECT; the Swift CLI tests copy every report they read there."""
    folder = os.environ.get("EIGENPAIR_REPORT_COLLECT")
    if not folder:
        pytest.skip("EIGENPAIR_REPORT_COLLECT not set (make test sets it and runs the Swift tests first)")
    files = sorted(Path(folder).glob("*.json"))
    assert files, f"no reports in {folder}: did the Swift CLI tests run with EIGENPAIR_REPORT_COLLECT?"
    seen = set()
    for f in files:
        report = json.loads(f.read_text(encoding="utf-8"))
        assert_valid(report, str(f))
        seen.add(report["command"])
    assert seen == KINDS, f"{len(files)} reports, kinds {sorted(seen)}"
