#!/usr/bin/env python3
"""plot_batch.py BENCH.json -o OUT.png - batched decode throughput vs batch size.

Reads the JSON of `sgl-model-bench --batch 1,4,... --format json` and draws
aggregate decode tokens/s and the roofline (the lower of the bandwidth and
sgemm bounds) against the batch size, with each point's fraction of the
roofline. Needs Debian's python3-matplotlib (/usr/bin/python3).
"""
import argparse
import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench_json")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    rows = json.load(open(args.bench_json))
    points = []
    for row in rows:
        match = re.fullmatch(r"tg\d+b(\d+)", row["test"])
        if not match:
            continue
        tps = sum(row["tps"]) / len(row["tps"])
        roof = sum(row["roofline_tps"]) / len(row["roofline_tps"])
        points.append((int(match.group(1)), tps, roof))
    if not points:
        raise SystemExit("no tg<N>b<B> rows: run sgl-model-bench with --batch")
    points.sort()
    batches = [p[0] for p in points]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(batches, [p[2] for p in points], "--", color="grey",
            label="roofline (min of bandwidth, sgemm)")
    ax.plot(batches, [p[1] for p in points], "o-", label="sgl CPU backend")
    for b, tps, roof in points:
        ax.annotate(f"{100 * tps / roof:.0f}%", (b, tps),
                    textcoords="offset points", xytext=(4, -12), fontsize=8)
    ax.set_xscale("log", base=2)
    ax.set_xticks(batches, [str(b) for b in batches])
    ax.set_xlabel("sequences decoding per step (batch size)")
    ax.set_ylabel("aggregate decode tokens/s")
    ax.set_title(rows[0]["model"] + f", {rows[0]['threads']} threads")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)


if __name__ == "__main__":
    main()
