"""Exceptions the library raises for problems a user can cause or fix.

The CLI turns each into one line on stderr and the exit code named here.
"""

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NO_MODEL = 3
EXIT_SKIPPED = 4
EXIT_INTERRUPTED = 130


class ArnerError(Exception):
    """A failure with a message meant for the user and an optional hint."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ModelNotFound(ArnerError):
    """No usable model at the name or path given (or none installed)."""

    exit_code = EXIT_NO_MODEL


class ModelError(ArnerError):
    """A model exists but cannot be loaded or has labels arner cannot use."""


class InputError(ArnerError):
    """One input cannot be read or decoded; a batch reports it and goes on.

    The message is the reason alone: the caller knows which input it was.
    """


class NotArnerOutput(ArnerError):
    """A file given to `arner view` is not the JSON that `arner extract -f json` writes."""

    exit_code = EXIT_USAGE


class OutputError(InputError):
    """One document's output cannot be written (`--output-dir`); a batch reports it and goes on."""


class OutputClash(ArnerError):
    """`--output-dir` would replace an input, or write one file for two inputs: refused before any work."""

    exit_code = EXIT_USAGE


class OfflineError(ArnerError):
    """A download was needed and the network did not answer."""
