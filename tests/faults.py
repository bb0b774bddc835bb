"""Real faults for the store's tests: a disk that fills up and a file that turns read-only.

As root (the project's machines and CI) they are made with ``mount``: a small tmpfs that a filler file
fills, and a read-only bind mount over the answers file. Without root the read-only file is a
``chmod``; a full disk needs root, and its tests say so when skipped.
"""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


class SmallDisk:
    """A tmpfs of ``size`` mounted at ``path``; :meth:`fill` takes every free byte, :meth:`free` gives it back."""

    def __init__(self, path: Path):
        self.path = path
        self.filler = path / "filler.bin"

    def fill(self) -> None:
        """Write until the disk is full, in big then small pieces, so that not even a page is left."""
        with open(self.filler, "ab", buffering=0) as f:
            for size in (1 << 20, 65536, 4096, 512):
                chunk = b"\0" * size
                try:
                    while True:
                        f.write(chunk)
                except OSError:
                    pass

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@contextmanager
def small_disk(path: Path, size: str = "4m"):
    """Mount a tmpfs of ``size`` at ``path`` for the block (root only; skips otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is made with a tmpfs mount, which needs root")
    path.mkdir(parents=True, exist_ok=True)
    done = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield SmallDisk(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextmanager
def read_only_file(path: Path):
    """Make ``path`` read-only for the block: a read-only bind mount as root, ``chmod 444`` otherwise.

    Open connections keep seeing the read-only file; the store must reopen it to write again.
    """
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    done = _mount("--bind", str(path), str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {done.stderr.strip()}")
    try:
        ro = _mount("-o", "remount,ro,bind", str(path))
        assert ro.returncode == 0, ro.stderr
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)
