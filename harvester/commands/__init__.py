"""The `harvester` command's verbs, one module each; `harvester.cli` wires them."""


class UsageError(ValueError):
    """Bad input to a command: it is refused (exit code 2) with one line that names the problem and
    the way out; no traceback."""
