"""Eigenpair from Python: closed-form optimal SSL representations (VICReg, SimCLR, BarlowTwins) of a
positive-pair graph, computed by the `eigenpair` binary (EIGENPAIR_BIN, else PATH, else a built
checkout). See docs/python.md in the repository.
"""

from ._binary import find_binary
from .commands import (LINEAR_LOSSES, LOSSES, CompareResult, Embedding, LinearResult, SweepResult, compare,
                       embed, linear, sweep)
from .errors import BinaryNotFound, EigenpairError, NotConverged
from .estimator import ClosedFormSSL

__version__ = "0.1.0"

__all__ = [
    "embed", "linear", "sweep", "compare", "ClosedFormSSL",
    "Embedding", "LinearResult", "SweepResult", "CompareResult",
    "EigenpairError", "NotConverged", "BinaryNotFound", "find_binary",
    "LOSSES", "LINEAR_LOSSES", "__version__",
]
