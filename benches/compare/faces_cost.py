"""The cost of `scan --faces` per bundle against `scan --level media`, on one batch with real faces.

    python3 benches/compare/faces_cost.py --bin target/release/eidscope --people DIR
                                          [--count 200] [--rounds 3] [--results FILE]

DIR is a folder of real face photos, one sub-folder per person (`make face-people`). The
script synthesises `--count` bundles with `eidscope synth --faces DIR` (a few clean bundles get
the real faces; the others keep the synthesiser's drawn faces, in which dlib finds nothing, so
the engine runs its slower path there: detection again at twice the size), and makes a second
folder of hard links to the bundles that carry real faces only. Then `--rounds` rounds,
alternating the order (media then faces, faces then media), of

    eidscope scan BATCH --out OUT --level media            (the default level's work)
    eidscope scan BATCH --out OUT --level media --faces    (the same plus the face engine)

on both folders, each run the whole process (engine load included), default `--jobs`. Prints
the medians (wall time, CPU time of the process, peak memory), the time per bundle and the
ratio faces / media, and appends them as Markdown to `--results`. Everything is removed at the
end (the bundles hold the photos' faces).
"""

import argparse
import datetime
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import load, machine, run  # noqa: E402


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def real_face_subset(batch, folder):
    """Hard links to the bundles whose labels say they carry real faces; their count."""
    with open(os.path.join(batch, "labels.json")) as f:
        labels = json.load(f)
    os.makedirs(folder)
    count = 0
    for bundle in labels["bundles"]:
        if not bundle.get("faces"):
            continue
        for name in (bundle["path"], bundle.get("process")):
            source = os.path.join(batch, name) if name else ""
            if os.path.isfile(source):
                os.link(source, os.path.join(folder, os.path.basename(source)))
        count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True, help="the eidscope binary (a release build)")
    parser.add_argument("--people", required=True, help="real face photos, a folder per person")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--results", help="append the results (Markdown) to this file")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="eidscope-faces-cost-", dir=args.workdir)
    # Stopped early (SIGTERM, or SIGINT in the background where it is ignored), the bundles
    # are removed all the same: they hold the photos' faces.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    try:
        batch = os.path.join(work, "batch")
        subprocess.run([args.bin, "synth", "--count", str(args.count), "--seed", str(args.seed),
                        "--faces", args.people, "--out", batch], check=True,
                       stdout=subprocess.DEVNULL)
        real = os.path.join(work, "real")
        real_count = real_face_subset(batch, real)
        folders = [("whole batch", batch, args.count), ("real-face bundles", real, real_count)]
        levels = [("media", []), ("faces", ["--faces"])]
        times = {}
        load_before = load()
        for round_ in range(args.rounds):
            order = levels if round_ % 2 == 0 else levels[::-1]
            for name, folder, _ in folders:
                for level, extra in order:
                    out = os.path.join(work, "out")
                    shutil.rmtree(out, ignore_errors=True)
                    cpu = cpu_seconds()
                    seconds, peak = run([args.bin, "scan", folder, "--out", out,
                                         "--level", "media", *extra])
                    cpu = cpu_seconds() - cpu
                    times.setdefault((name, level), []).append((seconds, cpu, peak))
                    print(f"round {round_ + 1} {name} {level}: {seconds:.2f} s wall, "
                          f"{cpu:.2f} s CPU, {peak / 1024:.0f} MiB", flush=True)
        load_after = load()
        lines = [
            f"\n## `scan --faces` against `scan --level media` (benches/compare/faces_cost.py, "
            f"{datetime.date.today()})\n",
            f"`eidscope synth --count {args.count} --seed {args.seed} --faces PEOPLE` "
            f"({real_count} bundles with real faces; the rest with drawn faces, where dlib finds "
            f"none), median of {args.rounds} alternating rounds, whole process, default `--jobs`.\n",
            "| bundles | level | median wall | CPU | wall per bundle | CPU per bundle | peak memory "
            "| faces / media (wall) |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, _, count in folders:
            medians = {}
            for level, _ in levels:
                runs = times[(name, level)]
                medians[level] = tuple(statistics.median(r[i] for r in runs) for i in range(3))
            for level, _ in levels:
                wall, cpu, peak = medians[level]
                ratio = (f"{medians['faces'][0] / medians['media'][0]:.1f}x"
                         if level == "faces" else "")
                lines.append(f"| {name} ({count}) | {level} | {wall:.2f} s | {cpu:.2f} s | "
                             f"{wall / count * 1000:.1f} ms | {cpu / count * 1000:.1f} ms | "
                             f"{peak / 1024:.0f} MiB | {ratio} |")
        lines.append(f"\nMachine: {machine()}. Load average before {load_before}, after "
                     f"{load_after}.\nCommand: `python3 benches/compare/faces_cost.py "
                     f"{' '.join(sys.argv[1:])}`.\n")
        text = "\n".join(lines)
        print(text)
        if args.results:
            with open(args.results, "a") as f:
                f.write(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
