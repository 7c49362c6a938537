#!/usr/bin/python3
"""Plots radix-bench.py JSON output: prompt tokens computed (left) and output
throughput (right), radix cache on vs off, for each workload.

    /usr/bin/python3 bench/serving/radix-bench.py --format json > radix.json
    /usr/bin/python3 bench/serving/plot.py radix.json -o radix.png

(`radix-bench.py --json-out radix.json` writes the same file next to the
Markdown table.) The bars are labelled with their values and each pair with
its ratio: computed off/on and throughput on/off.
"""
import argparse
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"on": "#2a7ab9", "off": "#b0b0b0"}


def load(path):
    with open(path) as f:
        doc = json.load(f)
    try:
        results, meta = doc["results"], doc.get("meta", {})
    except (KeyError, TypeError):
        sys.exit(f"plot.py: error: {path}: not radix-bench.py JSON output")
    workloads = []
    for r in results:
        if r["workload"] not in workloads:
            workloads.append(r["workload"])
    by = {(r["workload"], r["cache"]): r for r in results}
    for w in workloads:
        for c in ("on", "off"):
            if (w, c) not in by:
                sys.exit(f"plot.py: error: {path}: no cache-{c} run of {w}")
    return meta, workloads, by


def panel(ax, workloads, by, key, title, ylabel, fmt, ratio):
    width = 0.38
    xs = range(len(workloads))
    for i, cache in enumerate(("on", "off")):
        vals = [by[(w, cache)][key] for w in workloads]
        pos = [x + (i - 0.5) * width for x in xs]
        bars = ax.bar(pos, vals, width, label=f"radix cache {cache}",
                      color=COLORS[cache])
        ax.bar_label(bars, labels=[fmt(v) for v in vals], fontsize=8,
                     padding=2)
    top = max(max(by[(w, c)][key] for c in ("on", "off")) for w in workloads)
    ax.set_ylim(0, top * 1.28)
    for x, w in zip(xs, workloads):
        ax.text(x, top * 1.17, ratio(by[(w, "on")][key], by[(w, "off")][key]),
                ha="center", fontsize=9, fontweight="bold")
    ax.set_xticks(list(xs), workloads)
    ax.set_title(title)
    ax.set_ylabel(ylabel)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", help="radix-bench.py --format json output")
    ap.add_argument("-o", "--output", default="radix-bench.png",
                    help="PNG to write (default: %(default)s)")
    args = ap.parse_args()
    meta, workloads, by = load(args.json)

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4.4))
    panel(a, workloads, by, "computed", "Prompt tokens computed (lower is better)",
          "tokens", lambda v: f"{v:,}",
          lambda on, off: f"{off / max(on, 1):.1f}x fewer")
    panel(b, workloads, by, "output_tok_s", "Output throughput (higher is better)",
          "output tokens / s", lambda v: f"{v:.0f}",
          lambda on, off: f"{on / off:.1f}x" if off else "")
    sub = meta.get("model_shape", "")
    if meta.get("threads"):
        sub += f", threads {meta['threads']}"
    if meta.get("quick"):
        sub += " (--quick)"
    fig.suptitle("sglrun radix prefix cache: on vs off\n" + sub, fontsize=10)
    handles, labels = a.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(args.output, dpi=120)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
