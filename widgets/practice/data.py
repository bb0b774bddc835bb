"""Find the workbook's data files, from a source checkout, an editable install or a wheel.

The files live in the repository's top-level ``data/`` folder. A wheel carries a copy inside the
package as ``widgets/_data`` (see ``pyproject.toml``), while an editable install and a plain
checkout read the repository folder directly. :func:`data_dir` is the one place that knows this.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that points the workbook at another data folder (for example a copy
#: in which a study group edited the question bank).
DATA_ENV = "MLSD_WORKBOOK_DATA"


class DataFileError(FileNotFoundError):
    """A data file the workbook needs is missing."""


def data_dir() -> Path:
    """Return the folder holding ``questions.csv`` and ``framework.json``.

    Order: the ``MLSD_WORKBOOK_DATA`` environment variable, the copy inside an installed
    wheel (``widgets/_data``), then the repository's ``data/`` next to the package.

    Examples
    --------
    >>> (data_dir() / "questions.csv").is_file()
    True
    """
    override = os.environ.get(DATA_ENV)
    if override:
        path = Path(override).expanduser()
        if not path.is_dir():
            raise DataFileError(f"{DATA_ENV}={override} is not a folder.")
        return path
    package = Path(__file__).resolve().parents[1]   # widgets/, above practice/
    for candidate in (package / "_data", package.parent / "data"):
        if (candidate / "questions.csv").is_file():
            return candidate
    raise DataFileError(
        "The workbook's data folder was not found next to the package; "
        "reinstall with `pip install .` or set MLSD_WORKBOOK_DATA."
    )


def data_path(name: str) -> Path:
    """Return the path of one data file, with a clear error when it is missing.

    Examples
    --------
    >>> data_path("framework.json").name
    'framework.json'
    """
    path = data_dir() / name
    if not path.is_file():
        raise DataFileError(f"Data file {name!r} is missing from {path.parent}.")
    return path
