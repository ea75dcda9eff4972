"""Throughput of `eidscope.spark.scan` in local mode against `eidscope scan` on the same
synthetic batch, in one run, alternating, as a ratio (docs/scaling.md quotes it).

    python python/benches/spark_throughput.py --bin target/debug/eidscope --count 400 --rounds 3

Both sides run the same library built with the same profile (compare a debug binary with the
package `make python-dev` installs, or a release binary with `pip install ./python`), on the
same number of cores (`--cores`, `local[N]` against `--jobs N`). Spark keeps its defaults
otherwise (`spark.sql.shuffle.partitions` 200: the scan needs no shuffle when the processes
are broadcast); the load average is printed before and after, the machine being shared."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--level", default="media")
    parser.add_argument(
        "--glob", action="store_true",
        help="give Spark `FOLDER/*.zip` rather than the folder (Spark lists a glob file by file)",
    )
    args = parser.parse_args()

    # The executors' Python is this one (the one with eidscope installed), not `python3`.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    import eidscope.spark

    with tempfile.TemporaryDirectory() as scratch:
        batch = Path(scratch) / "bundles"
        subprocess.run(
            [args.bin, "synth", "--count", str(args.count), "--seed", "11", "--out", str(batch)],
            check=True,
            capture_output=True,
        )
        spark = (
            SparkSession.builder.master(f"local[{args.cores}]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.files.maxPartitionBytes", str(8 * 1024 * 1024))
            .getOrCreate()
        )
        load_before = os.getloadavg()
        cli, on_spark = [], []
        for round_number in range(args.rounds):
            out = Path(scratch) / f"scan-{round_number}"
            started = time.perf_counter()
            subprocess.run(
                [args.bin, "scan", str(batch), "--out", str(out), "--level", args.level,
                 "--jobs", str(args.cores), "--quiet"],
                check=False,
            )
            cli.append(time.perf_counter() - started)

            started = time.perf_counter()
            path = f"{batch}/*.zip" if args.glob else str(batch)
            tables = eidscope.spark.scan(spark, path, level=args.level)
            rows = {name: frame.count() for name, frame in tables.items()}
            on_spark.append(time.perf_counter() - started)
            assert rows["bundles"] == args.count, rows
            spark.catalog.clearCache()
        load_after = os.getloadavg()
        spark.stop()

    cli_rate = args.count / statistics.median(cli)
    spark_rate = args.count / statistics.median(on_spark)
    form = "a glob" if args.glob else "the folder"
    print(f"bundles: {args.count}, level {args.level}, {args.cores} cores, {args.rounds} rounds (medians), Spark given {form}")
    print(f"eidscope scan --jobs {args.cores}: {cli_rate:.1f} bundles/s")
    print(f"eidscope.spark.scan local[{args.cores}]: {spark_rate:.1f} bundles/s")
    print(f"ratio spark / scan: {spark_rate / cli_rate:.2f}")
    print(f"seconds per round: scan {[round(t, 2) for t in cli]}, spark {[round(t, 2) for t in on_spark]}")
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f}")


if __name__ == "__main__":
    main()
