"""`make bench`: eidscope `scan` against the plain-Python script and the floors, in one run.

    python3 benches/compare/bench.py --bin target/release/eidscope [--count 2000] [--rounds 3]
                                     [--baseline OLD_BINARY] [--results benches/RESULTS.md]

Synthesises COUNT bundles (`eidscope synth`, seed 5) into a temporary folder, warms the page
cache, then times, round after round and alternating the order (forward, then backward):

- floor-bytes:  reading every byte of every zip (`cat` to /dev/null, one process);
- floor-json:   the zip directories and only the JSON entries inflated, on all cores
                (`eidscope-floor`, benches/src/bin/floor.rs);
- eidscope `scan --level meta|media|full` (Parquet, default --jobs);
- python meta|media: benches/compare/plain.py (zipfile, json, hashlib, Pillow, polars,
                multiprocessing on all cores) doing the same work per level;
- with --baseline, an older eidscope binary at each level (before/after in one run).

Each run is the whole process (start-up and writing the tables included); its peak memory is the
largest sum of the resident sets of its process tree, sampled every 20 ms. Medians over the
rounds give bundles per second and the ratios; they are printed and written, with the machine's
description and the load, to the results file. The temporary folder is removed at the end.
"""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def tree_rss_kib(pid):
    """Resident set of a process and all its descendants, KiB (0 once it is gone)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def run(argv, cwd=None):
    """Runs a command; returns (seconds, peak KiB of its process tree)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kib(process.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"failed ({process.returncode}): {' '.join(argv)}\n{process.stderr.read().decode()}")
    return elapsed, peak


def machine():
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip()
        except OSError:
            return "?"
    model = first_line("lscpu | sed -n 's/^Model name: *//p' | head -1")
    memory = first_line("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")
    return (f"{model}, {os.cpu_count()} cores, {memory} RAM, Linux {platform.release()}, "
            f"Python {platform.python_version()}")


def versions():
    code = ("import PIL, polars; from PIL import features; "
            "print(f'Pillow {PIL.__version__} (libjpeg-turbo {features.version(\"libjpeg_turbo\")}), "
            "polars {polars.__version__}')")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True, help="the eidscope binary (a release build)")
    parser.add_argument("--floor", required=True, help="the eidscope-floor binary")
    parser.add_argument("--baseline", help="an older eidscope binary to compare with")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--levels", default="meta,media,full")
    parser.add_argument("--results", help="write the results (Markdown) here")
    parser.add_argument("--workdir", help="where to synthesise (default: a temporary folder)")
    args = parser.parse_args()
    levels = args.levels.split(",")

    work = tempfile.mkdtemp(prefix="eidscope-bench-", dir=args.workdir)
    try:
        bundles = os.path.join(work, "bundles")
        print(f"synthesising {args.count} bundles (seed {args.seed}) in {work} ...", flush=True)
        subprocess.run([args.bin, "synth", "--count", str(args.count), "--seed", str(args.seed),
                        "--out", bundles], check=True, stdout=subprocess.DEVNULL)
        size = sum(os.path.getsize(os.path.join(bundles, n)) for n in os.listdir(bundles)
                   if n.endswith(".zip"))
        contenders = [("floor-bytes", "-", ["sh", "-c", f"find '{bundles}' -name '*.zip' -print0 | xargs -0 cat > /dev/null"]),
                      ("floor-json", "meta", [args.floor, bundles])]
        plain = os.path.join(HERE, "plain.py")
        for level in levels:
            out = os.path.join(work, f"out-{level}")
            contenders.append((f"eidscope {level}", level,
                               [args.bin, "scan", bundles, "--out", out, "--level", level, "--quiet",
                                "--force"]))
            if args.baseline:
                contenders.append((f"baseline {level}", level,
                                   [args.baseline, "scan", bundles, "--out", out + "-baseline",
                                    "--level", level, "--quiet", "--force"]))
            if level in ("meta", "media"):
                contenders.append((f"python {level}", level,
                                   [sys.executable, plain, "--level", level, bundles,
                                    os.path.join(work, f"py-{level}")]))
        run(contenders[0][2])  # warm the page cache
        load_before = load()
        times = {name: [] for name, _, _ in contenders}
        peaks = {name: [] for name, _, _ in contenders}
        for round_ in range(args.rounds):
            order = contenders if round_ % 2 == 0 else list(reversed(contenders))
            for name, _, argv in order:
                seconds, peak = run(argv)
                times[name].append(seconds)
                peaks[name].append(peak)
                print(f"  round {round_ + 1}: {name:<18} {seconds:7.2f} s  {peak / 1024:7.0f} MiB",
                      flush=True)
        load_after = load()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    median = {name: statistics.median(t) for name, t in times.items()}
    peak = {name: max(p) for name, p in peaks.items()}
    rate = {name: args.count / median[name] for name in median}
    lines = []
    lines.append(f"{args.count} bundles ({size / 1e6:.0f} MB, `eidscope synth --seed {args.seed}`), "
                 f"median of {args.rounds} alternating rounds, whole process, warm page cache.")
    lines.append("")
    lines.append("| run | median time | bundles/s | peak memory |")
    lines.append("|---|---|---|---|")
    for name, _, _ in contenders:
        lines.append(f"| {name} | {median[name]:.2f} s | {rate[name]:,.0f} | "
                     f"{peak[name] / 1024:,.0f} MiB |")
    lines.append("")
    lines.append("| ratio | value |")
    lines.append("|---|---|")

    def ratio(label, a, b):
        """median(b) / median(a): how many times faster a is than b."""
        if a in median and b in median:
            lines.append(f"| {label} | {median[b] / median[a]:.2f}x |")

    for level in ("meta", "media"):
        ratio(f"`{level}`: eidscope's bundles/s over the Python script's", f"eidscope {level}", f"python {level}")
    ratio("`meta`: eidscope's time over reading every byte's (target at most 2x)",
          "floor-bytes", "eidscope meta")
    ratio("`meta`: eidscope's time over inflating the JSON only", "floor-json", "eidscope meta")
    ratio("`full`: time over `media`'s (target at most 1.5x)", "eidscope media", "eidscope full")
    for level in levels:
        ratio(f"`{level}`: this build's bundles/s over the baseline's", f"eidscope {level}", f"baseline {level}")
    lines.append("")
    lines.append(f"Machine: {machine()}; {versions()}. Load average before {load_before}, "
                 f"after {load_after} (other work on the machine shares the cores).")
    command = " ".join(["python3", os.path.relpath(os.path.abspath(__file__), ROOT)] + sys.argv[1:])
    lines.append(f"Command: `{command}` ({datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}).")
    text = "\n".join(lines)
    print()
    print(text)
    if args.results:
        with open(args.results, "w") as f:
            f.write("# Benchmark results\n\nWritten by `make bench` (benches/compare/bench.py); "
                    "see benches/README.md for what each run does.\n\n" + text + "\n")


if __name__ == "__main__":
    main()
