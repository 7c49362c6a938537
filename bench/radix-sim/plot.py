#!/usr/bin/python3
"""Plots sgl-radix-sim --plot-data output: cumulative prefix-cache hit rate
over the trace, unbounded cache vs the pool at 1/4 of its peak, one panel per
workload.

    build/bin/sgl-radix-sim --plot-data session.csv
    build/bin/sgl-radix-sim --order round-robin --plot-data rr.csv
    /usr/bin/python3 bench/radix-sim/plot.py session.csv rr.csv -o hit-rate.png

Workloads that appear in several files (few-shot does not depend on --order)
are plotted once.
"""
import argparse
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

POOLS = [("unbounded", "unbounded (= optimal)", "-"), ("1/4", "1/4 pool", "--")]


def load(paths):
    """{workload: {pool: ([request], [hit_rate])}} in first-seen order."""
    data = {}
    for path in paths:
        seen_here = set()
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                name = row["workload"]
                if name in data and name not in seen_here:
                    continue  # already read from an earlier file
                seen_here.add(name)
                series = data.setdefault(name, {}).setdefault(
                    row["pool"], ([], []))
                series[0].append(int(row["request"]))
                series[1].append(100 * float(row["hit_rate"]))
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+",
                        help="sgl-radix-sim --plot-data files")
    parser.add_argument("-o", "--output", default="radix-hit-rate.png")
    args = parser.parse_args()
    data = load(args.csv)
    if not data:
        sys.exit("plot.py: error: no rows in " + ", ".join(args.csv))

    fig, axes = plt.subplots(1, len(data), figsize=(5 * len(data), 3.8),
                             squeeze=False)
    for ax, (workload, pools) in zip(axes[0], data.items()):
        for pool, label, style in POOLS:
            if pool in pools:
                x, y = pools[pool]
                ax.plot(x, y, style, label=label)
        ax.set_title(workload)
        ax.set_xlabel("request")
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("cumulative hit rate, % of prompt tokens")
    axes[0][0].legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print("wrote " + args.output)


if __name__ == "__main__":
    main()
