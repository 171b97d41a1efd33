"""Where numba keeps its compiled kernels when the package folder cannot be written.

Numba caches a compiled function beside its source (``__pycache__``), or else in the user's
cache folder; when neither can be written it fails, and every ``run`` ended in exit 3. So, before
numba is imported, and only when the package folder is read-only and the user has not set
``NUMBA_CACHE_DIR`` themselves, :func:`configure` points numba at a folder it can write: the
user's cache folder (``$XDG_CACHE_HOME/stpmodel/numba``, else ``~/.cache/stpmodel/numba``), or
failing that a private folder in the system's temporary folder.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _writable_folder(folder: Path, private: bool = False) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if private and (info.st_uid != os.getuid() or info.st_mode & 0o077):
        return False  # a folder someone else made or can write: not one to load code from
    return os.access(folder, os.W_OK | os.X_OK)


def _package_writable(package: Path) -> bool:
    """Whether numba can cache beside the package's modules: in the package folder and each of
    its sub-packages (where kernels may live), the ``__pycache__`` folder, or the folder itself
    where there is none yet."""
    folders = [package, *(p.parent for p in package.glob("*/__init__.py"))]
    for folder in folders:
        cache = folder / "__pycache__"
        if not os.access(cache if cache.is_dir() else folder, os.W_OK | os.X_OK):
            return False
    return True


def cache_dir(package: Path = PACKAGE, environ: MutableMapping[str, str] | None = None
              ) -> str | None:
    """The folder to give numba as ``NUMBA_CACHE_DIR``, or None to leave numba as it is (the
    package folder can be written, or the user chose a folder)."""
    env = os.environ if environ is None else environ
    if env.get("NUMBA_CACHE_DIR") or _package_writable(package):
        return None
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    user = Path(base) / "stpmodel" / "numba"
    if os.path.isabs(base) and _writable_folder(user):
        return str(user)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    temporary = Path(tempfile.gettempdir()) / f"stpmodel-numba-{uid}"
    if _writable_folder(temporary, private=True):
        return str(temporary)
    return None  # nowhere to write: numba will say so


def configure(package: Path = PACKAGE, environ: MutableMapping[str, str] | None = None) -> None:
    """Set ``NUMBA_CACHE_DIR`` if :func:`cache_dir` says so. Call before numba is imported."""
    env = os.environ if environ is None else environ
    folder = cache_dir(package, env)
    if folder is not None:
        env["NUMBA_CACHE_DIR"] = folder
