"""`make bench-scaling`: `eidscope scan --level media` at 1k, 10k and 100k bundles, with peak
memory, and the throughput with 1 thread against 2.

    python3 benches/compare/scaling.py --bin target/release/eidscope [--sizes 1000,10000,100000]

Synthesises the largest distinct batch once (at most --distinct bundles, 10k by default: the
synthesiser writes about 150 kB a bundle), then makes each size as folders of hard links to it
(100k bundles are ten links to each of 10k files: no extra disk, and the scan reads every input
as a separate bundle). Each size is scanned once; one scan at the middle size runs with
`--jobs 1` and `--jobs 2` for the thread scaling. Peak memory is the largest resident set of the
scan's process (sampled every 20 ms). Everything is removed at the end.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import load, machine, run  # noqa: E402


def batch(source, names, count, folder):
    """A folder of `count` hard links cycling over `names` (zip and process file each)."""
    os.makedirs(folder)
    for i in range(count):
        name = names[i % len(names)]
        sub = os.path.join(folder, f"copy-{i // len(names):03d}")
        os.makedirs(sub, exist_ok=True)
        for suffix in (".zip", ".json"):
            src = os.path.join(source, name + suffix)
            if os.path.exists(src):
                os.link(src, os.path.join(sub, name + suffix))
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--distinct", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--results", help="append the results (Markdown) to this file")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    distinct = min(args.distinct, max(sizes))
    work = tempfile.mkdtemp(prefix="eidscope-scaling-", dir=args.workdir)
    rows = []
    try:
        source = os.path.join(work, "distinct")
        print(f"synthesising {distinct} bundles in {work} ...", flush=True)
        subprocess.run([args.bin, "synth", "--count", str(distinct), "--seed", str(args.seed),
                        "--out", source], check=True, stdout=subprocess.DEVNULL)
        names = sorted(n[:-4] for n in os.listdir(source) if n.endswith(".zip"))
        load_before = load()
        for size in sizes:
            folder = batch(source, names, size, os.path.join(work, f"n{size}"))
            out = os.path.join(work, f"out{size}")
            seconds, peak = run([args.bin, "scan", folder, "--out", out, "--level", "media",
                                 "--quiet"])
            rows.append((f"{size:,} bundles", seconds, size / seconds, peak))
            print(f"  {size:>7} bundles: {seconds:7.1f} s  {size / seconds:6.0f}/s  "
                  f"{peak / 1024:5.0f} MiB", flush=True)
            shutil.rmtree(out, ignore_errors=True)
            if size != sizes[len(sizes) // 2]:
                shutil.rmtree(folder, ignore_errors=True)
                continue
            for jobs in (1, 2):
                seconds, peak = run([args.bin, "scan", folder, "--out", out, "--level", "media",
                                     "--quiet", "--jobs", str(jobs)])
                rows.append((f"{size:,} bundles, --jobs {jobs}", seconds, size / seconds, peak))
                print(f"  {size:>7} bundles, --jobs {jobs}: {seconds:7.1f} s", flush=True)
                shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(folder, ignore_errors=True)
        load_after = load()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    by = {label: (s, r, p) for label, s, r, p in rows}
    lines = ["", "## Scaling (`make bench-scaling`)", "",
             f"`scan --level media`, Parquet; {distinct:,} distinct synthetic bundles, larger "
             "batches as hard links to them.", "",
             "| batch | time | bundles/s | peak memory |", "|---|---|---|---|"]
    for label, seconds, rate, peak in rows:
        lines.append(f"| {label} | {seconds:.1f} s | {rate:,.0f} | {peak / 1024:,.0f} MiB |")
    lines.append("")
    small, large = f"{sizes[len(sizes) // 2]:,} bundles", f"{sizes[-1]:,} bundles"
    if small in by and large in by and small != large:
        lines.append(f"- Peak memory at {large} over {small}: {by[large][2] / by[small][2]:.2f}x "
                     "(target at most 1.25x).")
    middle = sizes[len(sizes) // 2]
    one, two = f"{middle:,} bundles, --jobs 1", f"{middle:,} bundles, --jobs 2"
    if one in by and two in by:
        lines.append(f"- Throughput with 2 threads over 1: {by[two][1] / by[one][1]:.2f}x "
                     "(target at least 1.8x).")
    lines.append(f"- Machine: {machine()}. Load average before {load_before}, after {load_after}.")
    text = "\n".join(lines)
    print(text)
    if args.results:
        with open(args.results, "a") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
