"""The tests import the installed package (`pip install ./fdsl-python`)."""

import os
import pathlib
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Textures the tests make are kept in a folder of this run's, not the user's cache.
os.environ.setdefault("FDSL_CACHE_DIR", tempfile.mkdtemp(prefix="fdsl-test-cache-"))


def fdsl_binary() -> str:
    """The `fdsl` command line tool: `FDSL_BIN`, else the workspace's debug or release build."""
    for candidate in [os.environ.get("FDSL_BIN"), ROOT / "target/debug/fdsl", ROOT / "target/release/fdsl"]:
        if candidate and pathlib.Path(candidate).is_file():
            return str(candidate)
    pytest.fail("no fdsl binary: run `cargo build` first or set FDSL_BIN")
