"""The Python package against the command line on the same synthetic batch: the same tables
(columns, types, rows), the same inspect document, the same statistics and links, the same
error messages; bundles from bytes like files; the GIL released while Rust works."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import polars as pl
import pytest

import eidscope
from conftest import COUNT, assert_cli_errors_match, run_cli


def test_scan_gives_the_command_lines_tables(batch: Path, cli_tables) -> None:
    tables = eidscope.scan(batch, level="media", jobs=2)
    assert list(tables) == list(eidscope.TABLES)
    for name in eidscope.TABLES:
        assert tables[name].schema == cli_tables[name].schema, name
        assert tables[name].equals(cli_tables[name]), name
    bundles = tables["bundles"]
    assert bundles.height == COUNT
    assert tables["errors"].height == 2
    assert bundles["derived_status"].n_unique() > 1
    assert tables["findings"].height > 0


def test_scan_bytes_equals_scan_of_the_files(batch: Path) -> None:
    zips = sorted(batch.glob("*.zip"))

    def beside(zip_path: Path):
        for name in (f"{zip_path.stem}.json", f"{zip_path.stem}.process.json"):
            if (batch / name).is_file():
                return (str(batch / name), (batch / name).read_bytes())
        return None

    from_bytes = eidscope.scan_bytes(
        [(str(z), z.read_bytes(), beside(z)) for z in zips], level="media"
    )
    from_files = eidscope.scan([str(z) for z in zips], level="media")
    for name in eidscope.TABLES:
        assert from_bytes[name].equals(from_files[name]), name


def test_inspect_is_the_inspect_json_document(batch: Path) -> None:
    bundle = batch / "bundle-00012.zip"
    expected = json.loads(run_cli("inspect", "--json", str(bundle), check=False).stdout)
    assert eidscope.inspect(bundle) == expected
    process = batch / "bundle-00012.json"
    from_bytes = eidscope.inspect(
        bundle.read_bytes(), process=process.read_bytes(), name=str(bundle)
    )
    assert from_bytes["findings"] == expected["findings"]
    assert from_bytes["derived_status"] == expected["derived_status"]


def test_errors_carry_the_command_lines_message(batch: Path) -> None:
    assert_cli_errors_match(batch, ["inspect", "{path}"], eidscope.inspect)
    with pytest.raises(eidscope.EidscopeError, match="not a zip file"):
        eidscope.inspect(b"GIF89a not a bundle")
    missing = batch / "no-such-bundle.zip"
    cli = run_cli("scan", str(missing), "--out", str(batch.parent / "never"), check=False)
    with pytest.raises(eidscope.EidscopeError) as error:
        eidscope.scan(missing)
    assert cli.stderr.strip().endswith(str(error.value))
    with pytest.raises(ValueError, match="unknown level"):
        eidscope.scan(batch, level="everything")


def test_stats_is_the_stats_json_document(batch: Path, cli_scan: Path) -> None:
    tables = eidscope.scan(batch)
    expected = json.loads(
        run_cli("stats", str(cli_scan), "--json", "--every", "week", "--by", "document_type").stdout
    )
    assert eidscope.stats(tables, by="document_type", every="week") == expected
    assert eidscope.stats(cli_scan, by=["document_type"], every="week") == expected


def test_links_is_the_links_json_document(batch: Path, cli_scan: Path) -> None:
    expected = json.loads(run_cli("links", str(cli_scan), "--json", check=False).stdout)
    tables = eidscope.scan(batch)
    assert eidscope.links(tables) == expected
    assert eidscope.links(cli_scan) == expected
    assert expected["findings"], "the synthetic batch holds rings"
    only = json.loads(
        run_cli("links", str(cli_scan), "--json", "--code", "velocity", "--velocity", "2/7d",
                "--near-bits", "4", check=False).stdout
    )
    assert eidscope.links(tables, codes="velocity", velocity="2/7d", near_bits=4) == only
    with pytest.raises(ValueError, match="cross-bundle finding code"):
        eidscope.links(tables, codes=["selfie-is-portrait"])
    with pytest.raises(ValueError, match="K/WINDOW"):
        eidscope.links(tables, velocity="often")


def test_links_counts_a_repeated_bundle_once(batch: Path, cli_scan: Path) -> None:
    expected = json.loads(run_cli("links", str(cli_scan), "--json", check=False).stdout)
    tables = eidscope.scan(batch)
    doubled = dict(tables, bundles=pl.concat([tables["bundles"], tables["bundles"]]))
    with pytest.warns(UserWarning, match=f"{COUNT} input\\(s\\) repeat a bundle"):
        found = eidscope.links(doubled)
    assert found["findings"] == expected["findings"]
    assert found["bundles"] == expected["bundles"] == COUNT


def test_links_says_which_checks_could_not_run(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "meta"
    run_cli("scan", str(batch), "--out", str(out), "--level", "meta", check=False)
    expected = json.loads(run_cli("links", str(out), "--json", check=False).stdout)
    assert expected["checks_not_run"], "a meta scan cannot compare pictures"
    assert eidscope.links(eidscope.scan(batch, level="meta")) == expected


def test_the_gil_is_released_while_rust_scans(batch: Path) -> None:
    started = threading.Event()
    done = threading.Event()
    result = {}

    def work() -> None:
        paths = [str(batch)]
        started.set()
        result["tables"] = eidscope.scan(paths, level="full", jobs=1)
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    spins = 0
    while not done.is_set():
        spins += 1
    worker.join()
    assert result["tables"]["bundles"].height == COUNT
    # Held through the scan, the GIL would let this loop run only in the few switch
    # intervals around the call (about 10^5 turns each); released, it runs the whole scan.
    assert spins > 1_000_000
