"""Reading a file a user named: regular files only, bounded size, UTF-8, each refusal naming the file.

A FIFO would block for ever, ``/dev/zero`` would fill memory and a directory or socket cannot be read;
all of them are refused before anything is opened for reading.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from obskit.errors import InputError


class InputFileError(InputError):
    """A named file cannot be used as input; the message names it and says why."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input_bytes(path: Path, max_bytes: int, *, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else raises InputFileError."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(f"{path}: {_kind(info.st_mode)}; expected a regular {what}")
    if info.st_size > max_bytes:
        raise InputFileError(f"{path}: {info.st_size} bytes is over the limit of {max_bytes} for a {what}")
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the stat, open() does not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise InputFileError(f"{path}: not a regular file; expected a regular {what}")
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputFileError(f"{path}: over the limit of {max_bytes} bytes for a {what}")
    return data


def read_input_text(path: Path, max_bytes: int, *, what: str = "file") -> str:
    data = read_input_bytes(path, max_bytes, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(f"{path}:{line}: not UTF-8 text (byte {exc.start}); expected a UTF-8 {what}") from None
