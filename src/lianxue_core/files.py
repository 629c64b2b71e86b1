"""Writing files a user keeps: whole or not at all (feeds, reports, organization files)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .i18n import _

__all__ = ["atomic_write"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Write ``text`` (UTF-8 text, or bytes as they are: a Word document, or pieces of text written as they come:
    a long report) to ``path`` through a temporary file and a rename; never leave a partial file.

    The file gets the mode of the file it replaces, or ``0o666`` less the umask for a new one (the
    temporary file's own ``0o600`` would hide the feed from a web server running as another user).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        st = path.stat()
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    else:
        if not stat.S_ISREG(st.st_mode):  # never rename over a directory, a device or a pipe
            raise OSError(errno.EEXIST, _("exists and is not a regular file; give a file path"), str(path))
        mode = stat.S_IMODE(st.st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(text, str | bytes):
                f.write(text.encode("utf-8") if isinstance(text, str) else text)
            else:
                for piece in text:
                    f.write(piece.encode("utf-8"))
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
