"""Errors raised when the eigenpair binary fails or cannot be found."""

from __future__ import annotations


class EigenpairError(RuntimeError):
    """The eigenpair binary exited with a non-zero status.

    ``exit_status`` is the binary's exit status (2: bad input or usage, 3: the eigensolver did not
    converge, 1: anything else); ``message`` is its ``error:`` line without the prefix, followed by
    the indented lines that continue it (exit 3 lists what did converge); ``stderr`` is everything it
    wrote to standard error.
    """

    def __init__(self, message: str, exit_status: int | None = None, stderr: str = "", command=None):
        super().__init__(message)
        self.message = message
        self.exit_status = exit_status
        self.stderr = stderr
        self.command = list(command) if command is not None else None

    def __str__(self) -> str:
        if self.exit_status is None:
            return self.message
        return f"{self.message} (eigenpair exit status {self.exit_status})"


class NotConverged(EigenpairError):
    """The eigensolver did not converge (exit status 3); ``message`` lists what did converge."""


class BinaryNotFound(EigenpairError):
    """No eigenpair binary: neither EIGENPAIR_BIN, nor PATH, nor a built checkout."""


def error_from_run(status: int, stderr: str, command) -> EigenpairError:
    """The exception for a run that exited with ``status``: the first ``error:`` line of ``stderr``
    and the indented lines after it (mpirun's own notes after them are left out of ``message``)."""
    lines = stderr.splitlines()
    message = None
    for i, line in enumerate(lines):
        if line.startswith("error:"):
            kept = [line[len("error:"):].strip()]
            for more in lines[i + 1:]:
                if not more.startswith((" ", "\t")) or not more.strip():
                    break
                kept.append(more.rstrip())
            message = "\n".join(kept)
            break
    if message is None:
        tail = [l for l in lines if l.strip()][-5:]
        message = "eigenpair failed without an error line" + (": " + " | ".join(tail) if tail else "")
    cls = NotConverged if status == 3 else EigenpairError
    return cls(message, exit_status=status, stderr=stderr, command=command)
