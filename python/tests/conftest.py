"""Shared fixtures: one synthetic batch made by the command line (``eidscope synth``) and its
scan by the command line (``eidscope scan``, Parquet), the reference the Python and Spark
scans are compared with. ``EIDSCOPE_BIN`` names the binary (``make test`` sets it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import polars as pl
import pytest

import eidscope

COUNT = 40
SEED = 2026


def eidscope_bin() -> str:
    binary = os.environ.get("EIDSCOPE_BIN") or shutil.which("eidscope")
    if not binary or not os.path.exists(binary):
        pytest.fail("set EIDSCOPE_BIN to the eidscope binary (make test does)")
    return binary


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [eidscope_bin(), *args], capture_output=True, text=True, check=check
    )


def assert_cli_errors_match(batch: Path, command: List[str], call) -> None:
    """The batch's unreadable bundles fail alike: exit 3 from `eidscope COMMAND PATH ...`, and
    an EidscopeError from `call(path)` whose message starts the command's standard error (the
    command line may add a hint for a person at a terminal after it)."""
    for name in ("zz-not-a-zip.zip", "zz-empty.zip"):
        path = batch / name
        args = [a.replace("{path}", str(path)).replace("{name}", name) for a in command]
        cli = run_cli(*args, check=False)
        assert cli.returncode == 3
        with pytest.raises(eidscope.EidscopeError) as error:
            call(path)
        assert cli.stderr.strip().startswith(f"eidscope: {error.value}")


@pytest.fixture(scope="session")
def batch(tmp_path_factory) -> Path:
    """A seeded synthetic batch (processes beside the zips, both names) with two hostile
    inputs: a file that is not a zip, and an empty file."""
    root = tmp_path_factory.mktemp("batch")
    out = root / "bundles"
    run_cli("synth", "--count", str(COUNT), "--seed", str(SEED), "--out", str(out))
    (out / "zz-not-a-zip.zip").write_bytes(b"GIF89a not a bundle")
    (out / "zz-empty.zip").write_bytes(b"")
    return out


@pytest.fixture(scope="session")
def cli_scan(batch: Path, tmp_path_factory) -> Path:
    """The command line's scan of the batch (Parquet)."""
    out = tmp_path_factory.mktemp("scan") / "scan"
    run_cli("scan", str(batch), "--out", str(out), "--level", "media", check=False)
    assert (out / "scan.json").is_file()
    return out


@pytest.fixture(scope="session")
def cli_tables(cli_scan: Path) -> Dict[str, pl.DataFrame]:
    return {name: pl.read_parquet(cli_scan / f"{name}.parquet") for name in eidscope.TABLES}


def canonical_rows(frame: pl.DataFrame) -> List[str]:
    """The rows of a table as sorted JSON texts, whatever their order and the engine's types
    (enum columns as their words, times as ISO text)."""
    return sorted(
        json.dumps(row, sort_keys=True, default=str) for row in frame.to_dicts()
    )
