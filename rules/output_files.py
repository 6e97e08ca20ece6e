"""A command's output files written all or nothing.

Each file is written to a temporary file in its target's folder, and only when every one of them is written
are they moved into place (``os.replace``, atomic on one file system). A failure half-way (a full disk, a
folder that refuses the file) leaves the old files as they were and no temporary files behind, instead of new
results beside an old report. A target that is not a regular file (``/dev/null``, a pipe, a terminal) has
nothing to replace: it is written directly.

`unwritable` says, before any work, why a path cannot take a file at all.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self


class WriteError(Exception):
    """Writing one output failed; ``label`` is the file as the user named it."""

    def __init__(self, label: str, error: OSError) -> None:
        super().__init__(f"cannot write {label}: {error.strerror or error}")
        self.label = label
        self.error = error


def unwritable(path: Path, option: str) -> str | None:
    """Why ``path`` cannot take a file written by ``option``, or None: checked before the work, not after it."""
    if path.is_dir():
        return f"{option} {str(path)!r} is a directory; give a file name"
    if not path.parent.is_dir():
        return f"{option} {str(path)!r}: {_no_directory(path)}"
    if _is_special(path):
        if not os.access(path, os.W_OK):
            return f"{option} {str(path)!r}: no permission to write it"
        return None
    target = path.resolve()
    if not os.access(target.parent, os.W_OK | os.X_OK):
        # The folder as given, unless the path is a link to a file elsewhere (whose folder takes the new file).
        folder = path.parent if target.parent == path.parent.resolve() else target.parent
        return f"{option} {str(path)!r}: no permission to create files in the directory {str(folder)!r}"
    return None


def _no_directory(path: Path) -> str:
    """Why the folder of ``path`` is none: it is missing, or it (or a folder above it) is a file."""
    for folder in path.parents:
        if folder.is_dir():
            break
        if folder.exists():
            return f"{str(folder)!r} is a file, not a directory"
    return f"the directory {str(path.parent)!r} does not exist"


@dataclass(frozen=True)
class _Staged:
    temporary: Path
    target: Path
    label: str


class OutputFiles:
    """Files staged with `write` and moved into place together by `commit`; a context manager that removes
    whatever was staged but not committed (after a failure)."""

    def __init__(self) -> None:
        self._staged: list[_Staged] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.discard()

    def write(self, path: Path, content: Callable[[BinaryIO], object]) -> None:
        """Write ``path``'s content (``content`` writes it into the binary file it is given), to a temporary
        file until `commit`.

        Raises:
            WriteError: the file cannot be written (named as given in ``path``).
        """
        label = str(path)
        if _is_special(path):  # checked on the path as given: /dev/stdout resolves to no path one can open
            try:
                # A stream's file is appended to: opened anew with "wb" it would be cut to nothing, the shell's
                # `>> log` and what was written before with it.
                with path.open("ab" if str(path).startswith(_STREAM_NAMES) else "wb") as out:
                    content(out)
            except OSError as error:
                raise WriteError(label, error) from None
            return
        target = path.resolve()  # through symbolic links: the file they point to is the one replaced
        try:
            handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
        except OSError as error:
            raise WriteError(label, error) from None
        staged = _Staged(Path(name), target, label)
        self._staged.append(staged)
        try:
            os.chmod(name, _mode_for(target))  # mkstemp's file is private (0600); give it the usual mode
            with os.fdopen(handle, "wb") as out:
                content(out)
                out.flush()
                os.fsync(out.fileno())  # some file systems (NFS) report a full disk only here or on close
        except OSError as error:
            raise WriteError(label, error) from None

    def commit(self) -> None:
        """Move every staged file into place.

        Raises:
            WriteError: a file could not be moved (those before it are in place, those after it discarded).
        """
        while self._staged:
            staged = self._staged[0]
            try:
                os.replace(staged.temporary, staged.target)
            except OSError as error:
                raise WriteError(staged.label, error) from None
            self._staged.pop(0)

    def discard(self) -> None:
        """Remove the staged files that were not committed."""
        for staged in self._staged:
            with contextlib.suppress(OSError):  # already gone, or its folder changed: nothing more to do
                staged.temporary.unlink(missing_ok=True)
        self._staged.clear()


def _is_special(path: Path) -> bool:
    """Whether the path is a stream's name (/dev/stdout, /dev/fd/1, /proc/self/fd/1: the shell's redirection
    stays where it points, a file ``>>`` appends to included) or (through links) exists and is not a regular file
    (a device, a pipe): written directly, never replaced."""
    if str(path).startswith(_STREAM_NAMES):
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


_STREAM_NAMES = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/", "/dev/tty")


def _mode_for(target: Path) -> int:
    """The replaced file's permissions, or those a new file gets (0666 less the umask)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
