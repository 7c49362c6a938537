#!/usr/bin/python3
"""sglc-bench: wall time of `sglc FILE -o plan` per example, against the
design target of 20 ms, measured as whole process runs (loading libMLIR and
libLLVM included, as a user sees it).

    bench/sglc/sglc-bench.py [--sglc build/bin/sglc] [--reps 20] [FILE.sgl ...]

Prints a Markdown table: median, p90 and best wall time per file and the
median as a fraction of the target.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_MS = 20.0


def time_runs(sglc, source, reps, out_dir):
    plan = os.path.join(out_dir, pathlib.Path(source).stem + ".sglp")
    times = []
    for _ in range(reps + 1):  # the first run warms the page cache
        start = time.perf_counter()
        subprocess.run([sglc, source, "-o", plan], check=True)
        times.append((time.perf_counter() - start) * 1000.0)
    return times[1:]


def main():
    root = pathlib.Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sglc", default=str(root / "build" / "bin" / "sglc"))
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files or sorted(str(p) for p in (root / "examples").glob("*.sgl"))
    if not os.access(args.sglc, os.X_OK):
        sys.exit(f"sglc-bench: error: no sglc at {args.sglc} (build first)")

    print(f"| file | median ms | p90 ms | best ms | median / {TARGET_MS:.0f} ms target |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as out_dir:
        for source in files:
            times = sorted(time_runs(args.sglc, source, args.reps, out_dir))
            median = statistics.median(times)
            p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
            print(f"| {pathlib.Path(source).name} | {median:.1f} | {p90:.1f} | "
                  f"{times[0]:.1f} | {median / TARGET_MS:.2f} |")


if __name__ == "__main__":
    main()
