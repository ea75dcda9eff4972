"""The Spark scan (PySpark in local mode, two executor threads) against the command line's
scan of the same synthetic batch: the same rows, statuses and findings in every table."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import polars as pl
import pytest

import eidscope
from conftest import COUNT, canonical_rows

pyspark = pytest.importorskip("pyspark", reason="pyspark is installed by make test")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The executors' Python must be this one (eidscope installed in it), not `python3`.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("eidscope-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


def spark_table(frame) -> pl.DataFrame:
    return pl.from_arrow(frame.toArrow())


def test_spark_scan_equals_the_local_scan(spark, batch: Path, cli_tables) -> None:
    import eidscope.spark

    tables = eidscope.spark.scan(spark, f"{batch}/*.zip", level="media")
    assert sorted(tables) == sorted(eidscope.TABLES)
    for name in eidscope.TABLES:
        local = cli_tables[name]
        if name == "errors":
            # Spark's file sources skip files of 0 bytes: the empty input never reaches the
            # executors (docs/scaling.md says so); every other input is there, once.
            local = local.filter(pl.col("error_kind").cast(pl.String) != "empty")
        remote = spark_table(tables[name])
        assert remote.columns == local.columns, name
        assert canonical_rows(remote) == canonical_rows(local), name
    statuses = spark_table(tables["bundles"]).select("path", "derived_status").sort("path")
    assert statuses.height == COUNT
    assert spark_table(tables["errors"]).height == 1


def test_spark_scan_of_a_folder_reads_the_processes_beside(spark, batch: Path, cli_tables) -> None:
    import eidscope.spark

    tables = eidscope.spark.scan(spark, str(batch), tables=["bundles"])
    bundles = spark_table(tables["bundles"])
    assert canonical_rows(bundles) == canonical_rows(cli_tables["bundles"])
    # Every synthetic bundle has a process beside it (`X.json` or `X.process.json`).
    assert bundles["process_id"].null_count() == 0
