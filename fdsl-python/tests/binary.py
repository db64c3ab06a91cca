"""The `fdsl` binary the tests run: `$FDSL_BIN`, else the workspace's `target/debug` or `target/release`
build (where `cargo build` puts it without a CARGO_TARGET_DIR)."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def fdsl_binary() -> str:
    for candidate in [os.environ.get("FDSL_BIN"), ROOT / "target/debug/fdsl", ROOT / "target/release/fdsl"]:
        if candidate and pathlib.Path(candidate).is_file():
            return str(candidate)
    pytest.fail("no fdsl binary: run `cargo build` first or set FDSL_BIN (a CARGO_TARGET_DIR build's fdsl)")
