"""Reading a file with a bound: a regular file only, never more than a set number of bytes.

Every reader of outside files (scenarios in :mod:`stpmodel.source`, NHS files in
:mod:`stpmodel.iotools`) goes through :func:`read_bounded`, so that a fifo, a device such as
``/dev/zero``, or a file far larger than any real input is refused at once, in little memory,
instead of hanging or exhausting the machine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import StpmodelError

_KINDS = {stat.S_IFIFO: "named pipe (fifo)", stat.S_IFCHR: "character device",
          stat.S_IFBLK: "block device", stat.S_IFSOCK: "socket", stat.S_IFDIR: "directory"}


class ReadError(StpmodelError):
    """A file could not be read, or is not one that may be: ``reason`` says why (``no such
    file``, ``is a character device, not a regular file``), ``hint`` what to do."""

    def __init__(self, reason: str, hint: str = "", kind: str = ""):
        super().__init__(reason)
        self.reason, self.hint, self.kind = reason, hint, kind


def size_text(n: int) -> str:
    """``1 MiB`` for a whole number of MiB, else ``1,234 bytes``."""
    mib = 1024 * 1024
    return f"{n // mib} MiB" if n % mib == 0 else f"{n:,} bytes"


def read_bounded(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path``, a regular file (or a symlink to one) of at most ``limit`` bytes;
    else :class:`ReadError`. A fifo is opened without waiting for a writer, then refused."""
    try:
        # O_NONBLOCK: opening a fifo for reading would otherwise wait for a writer forever
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except IsADirectoryError:
        raise ReadError(f"is a directory, not a {what}", kind="directory") from None
    except PermissionError:
        raise ReadError("cannot read: permission denied",
                        "check the file's permissions (ls -l)") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(f"is a directory, not a {what}", kind="directory")
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "special file")
            raise ReadError(f"is a {kind}, not a regular file",
                            "stpmodel reads only regular files", kind)
        if info.st_size > limit:
            raise ReadError(_too_big(info.st_size, limit, what))
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            raise ReadError(_too_big(size, limit, what))
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _too_big(size: int, limit: int, what: str) -> str:
    return f"is too large for a {what}: more than {size_text(limit)} ({size:,} bytes or more)"
