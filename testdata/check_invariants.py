#!/usr/bin/env python3
"""Runs the eidscope binary over a folder of odd files and checks the invariants every input
must keep (issue 15), so that anyone can point it at a new corpus:

  - `inspect FILE` and `inspect FILE --json` exit 0 (read, findings printed) or 3 (unreadable);
    never a panic, a signal or a time-out; on exit 3 standard error is exactly one line
    `eidscope: ...`; `--json` output parses;
  - memory stays bounded: every run is under `ulimit -v` (default 1 GiB of address space);
  - `extract FILE --out DIR` writes nothing outside DIR (the whole sandbox is compared);
  - `scan CORPUS --out DIR --format ndjson` exits 0 and lists every input exactly once, in
    `bundles` or `errors`.

Usage: python3 testdata/check_invariants.py BINARY CORPUS [--memory-mib 1024] [--timeout 60]
Exit status 0 when every invariant holds, 1 otherwise (each violation printed). Standard
library only.
"""
import argparse, json, os, resource, subprocess, sys, tempfile


def limited(memory_mib):
    def apply():
        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def run(binary, args, memory_mib, timeout, cwd):
    try:
        return subprocess.run([binary, *args], capture_output=True, timeout=timeout, cwd=cwd,
                              preexec_fn=limited(memory_mib))
    except subprocess.TimeoutExpired:
        return None


def snapshot(root):
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            found.add(os.path.relpath(os.path.join(dirpath, name), root))
    return found


def check_file(binary, path, opts, sandbox, problems):
    def fail(what):
        problems.append(f"{path}: {what}")

    for args in (["inspect", path], ["inspect", path, "--json"]):
        out = run(binary, args, opts.memory_mib, opts.timeout, sandbox)
        if out is None:
            fail(f"{' '.join(args[:1] + args[2:])}: timed out after {opts.timeout} s")
            continue
        err = out.stderr.decode("utf-8", "replace")
        if out.returncode not in (0, 3):
            fail(f"{args[0]} {' '.join(args[2:])}: exit {out.returncode}: {err.strip()[:300]}")
        if "panicked" in err or "RUST_BACKTRACE" in err:
            fail(f"panic: {err.strip()[:300]}")
        if out.returncode == 3:
            lines = err.splitlines()
            if len(lines) != 1 or not lines[0].startswith("eidscope: "):
                fail(f"exit 3 without exactly one `eidscope:` line: {lines[:3]}")
        if out.returncode == 0 and "--json" in args:
            try:
                json.loads(out.stdout)
            except ValueError as e:
                fail(f"--json output does not parse: {e}")

    before = snapshot(sandbox)
    target = os.path.join(sandbox, "extract-out")
    out = run(binary, ["extract", path, "--out", target], opts.memory_mib, opts.timeout, sandbox)
    if out is None:
        fail("extract: timed out")
    elif out.returncode not in (0, 3):
        fail(f"extract: exit {out.returncode}")
    outside = {p for p in snapshot(sandbox) - before if not p.startswith("extract-out")}
    if outside:
        fail(f"extract wrote outside its folder: {sorted(outside)[:5]}")
    subprocess.run(["rm", "-rf", target], check=True)


def check_scan(binary, corpus, inputs, opts, sandbox, problems):
    out_dir = os.path.join(sandbox, "scan-out")
    out = run(binary, ["scan", corpus, "--out", out_dir, "--format", "ndjson", "-q"],
              opts.memory_mib, opts.timeout * max(1, len(inputs)), sandbox)
    if out is None or out.returncode != 0:
        code = "timed out" if out is None else f"exit {out.returncode}: {out.stderr.decode()[:300]}"
        problems.append(f"scan {corpus}: {code}")
        return
    seen = {}
    for table in ("bundles", "errors"):
        with open(os.path.join(out_dir, f"{table}.ndjson"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    path = os.path.realpath(json.loads(line)["path"])
                    seen[path] = seen.get(path, 0) + 1
    for path in inputs:
        count = seen.get(os.path.realpath(path), 0)
        if count != 1:
            problems.append(f"scan: {path} appears {count} times")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary")
    parser.add_argument("corpus")
    parser.add_argument("--memory-mib", type=int, default=1024)
    parser.add_argument("--timeout", type=int, default=60)
    opts = parser.parse_args()
    binary = os.path.abspath(opts.binary)
    corpus = os.path.abspath(opts.corpus)
    inputs = sorted(os.path.join(d, n) for d, _, names in os.walk(corpus)
                    for n in names if n.lower().endswith(".zip"))
    problems = []
    with tempfile.TemporaryDirectory(prefix="eidscope-invariants-") as sandbox:
        for path in inputs:
            check_file(binary, path, opts, sandbox, problems)
        check_scan(binary, corpus, inputs, opts, sandbox, problems)
    for p in problems:
        print(p)
    print(f"{len(inputs)} inputs, {len(problems)} violation(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
