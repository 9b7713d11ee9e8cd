"""Finding the eigenpair binary and running it, on one rank or under mpirun."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from .errors import BinaryNotFound, error_from_run

_HOW_TO_BUILD = (
    "eigenpair binary not found. Set EIGENPAIR_BIN to its path or put `eigenpair` on PATH. To build it, "
    "in a checkout of the repository run `make release` (or `swift build -c release`; needs Swift 6.1 and "
    "the Debian packages of scripts/install-deps.sh); the binary is then .build/release/eigenpair, which "
    "is also found without EIGENPAIR_BIN when Python runs inside the checkout."
)


def _checkout_binary() -> str | None:
    """.build/release/eigenpair (else .build/debug) of the Eigenpair checkout that contains the
    working directory or this file, if built: a convenience for running from a checkout."""
    starts = [Path.cwd(), Path(__file__).resolve().parent]
    for start in starts:
        for directory in [start, *start.parents]:
            manifest = directory / "Package.swift"
            if manifest.is_file() and 'name: "Eigenpair"' in manifest.read_text(errors="replace"):
                for config in ("release", "debug"):
                    candidate = directory / ".build" / config / "eigenpair"
                    if candidate.is_file() and os.access(candidate, os.X_OK):
                        return str(candidate)
                break
    return None


def find_binary() -> str:
    """The binary to run: $EIGENPAIR_BIN, else `eigenpair` on PATH, else a built checkout's."""
    explicit = os.environ.get("EIGENPAIR_BIN")
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            raise BinaryNotFound(f"EIGENPAIR_BIN={explicit} is not an executable file. " + _HOW_TO_BUILD)
        return explicit
    found = shutil.which("eigenpair") or _checkout_binary()
    if found is None:
        raise BinaryNotFound(_HOW_TO_BUILD)
    return found


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def launcher(ranks: int, mpirun: str | None = None) -> tuple[list[str], dict[str, str]]:
    """The command prefix and extra environment for a run on ``ranks`` MPI processes: nothing for
    one rank (a plain run is a 1-rank MPI job); else ``mpirun -np P`` with --oversubscribe when P
    exceeds the usable cores, and Open MPI's root permission variables when running as root."""
    if not isinstance(ranks, int) or ranks < 1:
        raise ValueError(f"ranks must be an integer >= 1 (got {ranks!r})")
    if ranks == 1:
        return [], {}
    exe = mpirun or os.environ.get("MPIRUN") or shutil.which("mpirun")
    if exe is None:
        raise BinaryNotFound("ranks > 1 needs mpirun (Debian: apt-get install openmpi-bin), or set MPIRUN")
    prefix = [exe, "-np", str(ranks)]
    if ranks > _usable_cores():
        prefix.append("--oversubscribe")
    env = {}
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
    return prefix, env


def run(arguments: list[str], *, ranks: int = 1, mpirun: str | None = None, verbose: bool = False) -> str:
    """Runs ``eigenpair ARGUMENTS`` and returns its standard output (the summary table).

    Raises EigenpairError (NotConverged for exit status 3) with the binary's ``error:`` line. With
    ``verbose`` the binary's progress lines are copied to sys.stderr as they come.
    """
    prefix, extra_env = launcher(ranks, mpirun)
    command = prefix + [find_binary()] + [str(a) for a in arguments]
    env = dict(os.environ, **extra_env)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               text=True, errors="replace")
    stdout_parts: list[str] = []
    reader = threading.Thread(target=lambda: stdout_parts.append(process.stdout.read()), daemon=True)
    reader.start()
    stderr_parts = []
    for line in process.stderr:
        stderr_parts.append(line)
        if verbose:
            sys.stderr.write(line)
            sys.stderr.flush()
    status = process.wait()
    reader.join()
    if status != 0:
        raise error_from_run(status, "".join(stderr_parts), command)
    return "".join(stdout_parts)
