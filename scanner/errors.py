"""Every error that `scanner` raises on purpose, in one place.

An expected failure (a broken config file, a database that needs migrating, a scan already running)
is a `ScannerError`. The CLI prints it as one line with its context, a second line that says how to
fix it, and exits with the error's `exit_code`; it never prints a traceback for one. Anything else
that escapes is a bug and is shown with its traceback.

    ScannerError                      exit 1   base class; `context` says where, `hint` says what to do
    ├── ConfigError                   exit 3   scanner.toml, SCANNER_* variables or flags are wrong
    ├── DatabaseError                 exit 4   the database cannot be reached or used
    │   └── SchemaVersionError        exit 4   the database is behind or ahead of the code
    ├── LockHeldError                 exit 5   another scan holds the lock of this database
    ├── SourceError                   exit 6   a sources/*.yaml file is invalid (file:line)
    ├── FetchError                    exit 6   one URL could not be fetched safely (URL, reason)
    │   └── UnsafeResponseError       exit 6   a response broke a safety limit (size, redirect, address)
    ├── SelectorError                 exit 6   a selector found nothing where it must (source, URL)
    ├── RuleError                     exit 7   a rule file is invalid (file:line:column, code)
    ├── ModelError                    exit 8   a model file is missing, untrusted, tampered or incompatible
    ├── InputError                    exit 9   input given to a command is unreadable, or its output file unwritable
    ├── NotFoundError                 exit 10  an ad, network, phone or rule id that is not in the database
    ├── PrivacyError                  exit 11  a privacy precondition is not met (legal basis, purpose)
    └── SourceFailedError             exit 12  a scan ran to its end, but a source failed (nothing of it removed)

Exit code 2 is Click's own: a command line that does not parse. Exit code 0 is success. Commands that
check things (`scanner rules validate`, `scanner rules test`) exit 1 when they find problems.
"""

from __future__ import annotations


class ScannerError(Exception):
    """An expected failure with where it happened and how to fix it."""

    exit_code = 1

    def __init__(self, message: str, *, context: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.context = context
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.context}: " if self.context else ""
        return f"{where}{self.message}"


class ConfigError(ScannerError):
    exit_code = 3


class DatabaseError(ScannerError):
    exit_code = 4


class SchemaVersionError(DatabaseError):
    pass


class LockHeldError(ScannerError):
    exit_code = 5


class SourceError(ScannerError):
    exit_code = 6


class FetchError(ScannerError):
    exit_code = 6

    def __init__(self, message: str, *, url: str, hint: str | None = None) -> None:
        super().__init__(message, context=url, hint=hint)
        self.url = url


class UnsafeResponseError(FetchError):
    pass


class SelectorError(ScannerError):
    exit_code = 6


class RuleError(ScannerError):
    exit_code = 7


class ModelError(ScannerError):
    exit_code = 8


class InputError(ScannerError):
    exit_code = 9


class NotFoundError(ScannerError):
    exit_code = 10


class PrivacyError(ScannerError):
    exit_code = 11


class SourceFailedError(ScannerError):
    """Raised by `scanner scan` after its summary, once every other source and stage has run."""

    exit_code = 12


EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "a check found problems, or an unexpected failure",
    2: "the command line does not parse (Click usage error)",
    3: "configuration error (scanner.toml, SCANNER_* variables, flags)",
    4: "database unreachable, or its schema is behind or ahead of the code",
    5: "another scan is running on this database",
    6: "a source file, fetch or selector failed",
    7: "a rule file is invalid",
    8: "a model file is missing, untrusted, tampered with or incompatible",
    9: "unreadable input, or an output file that cannot be written",
    10: "the requested ad, network, phone or rule does not exist",
    11: "a privacy precondition is not met",
    12: "a scan ran to its end, but at least one source failed (its ads were kept, not removed)",
}
