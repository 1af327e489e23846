"""The project's exception types.

Every error a user can cause or fix derives from TaskdedupError and carries a one-line message that
says what is wrong and how to fix it; the CLI prints that line and exits with `exit_code`.
"""


class TaskdedupError(Exception):
    exit_code = 1


class InputError(TaskdedupError):
    """The input file cannot be read or does not hold usable data."""


class ColumnError(InputError):
    """A named column does not exist, or no text column could be found."""


class NothingToCluster(InputError):
    """The input has no row with text."""


class TokenizerUnavailable(TaskdedupError):
    """A tokenizer backend cannot start on this machine (no Java, no dictionary, not installed)."""


class OutputError(TaskdedupError):
    """An output file cannot be written."""
