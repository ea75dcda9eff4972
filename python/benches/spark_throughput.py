"""Throughput of `eidscope.spark.scan` in local mode against `eidscope scan` on the same
synthetic batch, in one run, alternating, as a ratio (docs/scaling.md quotes it).

    python python/benches/spark_throughput.py --bin target/debug/eidscope --count 400 --rounds 3

Both sides run the same library built with the same profile (compare a debug binary with the
package `make python-dev` installs, or a release binary with `pip install ./python`), on the
same number of cores (`--cores`, `local[N]` against `--jobs N`)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
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
    args = parser.parse_args()

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
            .config("spark.sql.shuffle.partitions", str(args.cores * 2))
            .config("spark.sql.files.maxPartitionBytes", str(8 * 1024 * 1024))
            .getOrCreate()
        )
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
            tables = eidscope.spark.scan(spark, f"{batch}/*.zip", level=args.level)
            rows = {name: frame.count() for name, frame in tables.items()}
            on_spark.append(time.perf_counter() - started)
            assert rows["bundles"] == args.count, rows
        spark.stop()

    cli_rate = args.count / statistics.median(cli)
    spark_rate = args.count / statistics.median(on_spark)
    print(f"bundles: {args.count}, level {args.level}, {args.cores} cores, {args.rounds} rounds (medians)")
    print(f"eidscope scan --jobs {args.cores}: {cli_rate:.1f} bundles/s")
    print(f"eidscope.spark.scan local[{args.cores}]: {spark_rate:.1f} bundles/s")
    print(f"ratio spark / scan: {spark_rate / cli_rate:.2f}")


if __name__ == "__main__":
    main()
