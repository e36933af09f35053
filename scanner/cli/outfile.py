"""`-o FILE` of the commands that write personal data to a file (`export`, `report`).

The path is checked before the command reads the database, so a missing or read-only folder fails
at once with one line, and nothing is exported or recorded in the audit log. The output is written to
a temporary file beside the target and renamed over it only after the audit entry is committed: a
file is never left half-written, and an export that failed is never on disk.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TextIO

from scanner.errors import InputError


def _refuse(path: Path, problem: str, hint: str) -> InputError:
    return InputError(f"cannot write the output file: {problem}", context=str(path), hint=hint)


def check_writable(path: Path) -> None:
    """Raise InputError when `path` cannot be written: a missing or read-only folder, or a folder itself."""
    folder = path.parent
    if path.is_dir():
        raise _refuse(path, "it is a folder", "give a file name, e.g. -o report.html")
    if not folder.exists():
        raise _refuse(path, f"the folder {folder} does not exist", f"create it first: mkdir -p {folder}")
    if not folder.is_dir():
        raise _refuse(path, f"{folder} is not a folder", "give a path inside an existing folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(path, f"no permission to write in {folder}", "choose a folder you can write to")


class OutputFile:
    """A checked output path; text goes to a temporary file until `publish()` renames it into place."""

    def __init__(self, path: Path) -> None:
        check_writable(path)
        self.path = path
        self._temporary: Path | None = None

    @contextmanager
    def stream(self) -> Iterator[TextIO]:
        """The temporary file, open for writing text."""
        try:
            handle, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
            self._temporary = Path(name)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                yield stream
        except OSError as exc:
            raise _refuse(self.path, exc.strerror or str(exc), "check the free space and permissions") from None

    def write(self, content: str | bytes) -> None:
        """Write text, or the bytes of a binary format (xlsx), to the temporary file."""
        if isinstance(content, str):
            with self.stream() as stream:
                stream.write(content)
            return
        try:
            handle, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
            self._temporary = Path(name)
            with os.fdopen(handle, "wb") as binary:
                binary.write(content)
        except OSError as exc:
            raise _refuse(self.path, exc.strerror or str(exc), "check the free space and permissions") from None

    def publish(self) -> None:
        """Rename the finished temporary file over the target."""
        assert self._temporary is not None, "write before publishing"
        try:
            os.replace(self._temporary, self.path)
        except OSError as exc:
            raise _refuse(self.path, exc.strerror or str(exc), "check the folder's permissions") from None
        self._temporary = None

    def discard(self) -> None:
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)
            self._temporary = None

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.discard()  # after publish() there is nothing left to discard
