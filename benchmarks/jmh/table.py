#!/usr/bin/python3
"""A Markdown table of JMH results (-rf json), one column group per file, e.g. one run per JDK:

    /usr/bin/python3 benchmarks/jmh/table.py jdk17.json jdk25.json

Per benchmark and parameters: the mean score with JMH's 99.9% error, the median of the measured iterations, and
gc.alloc.rate.norm (bytes per operation, from -prof gc) when it was recorded.
"""
import json
import os
import statistics
import sys


def rows(path):
    out = {}
    for r in json.load(open(path)):
        params = ", ".join(f"{k}={v}" for k, v in sorted(r.get("params", {}).items()))
        key = (r["benchmark"].removeprefix("ncd.bench."), params)
        p = r["primaryMetric"]
        iters = [x for fork in p["rawData"] for x in fork]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        out[key] = (p["score"], p["scoreError"], statistics.median(iters), p["scoreUnit"], alloc["score"] if alloc else None,
                    r.get("vmVersion", "?"))
    return out


def num(x):
    if x != x:
        return "n/a"   # NaN: a single iteration has no error
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"


def main():
    files = sys.argv[1:]
    if not files:
        sys.exit(__doc__)
    runs = [rows(f) for f in files]
    keys = list(dict.fromkeys(k for r in runs for k in r))
    head = "| benchmark | parameters |"
    rule = "|---|---|"
    for f, r in zip(files, runs):
        vm = next(iter(r.values()))[5] if r else "?"
        head += f" {os.path.basename(f)} (JDK {vm}): mean ± error | median | B/op |"
        rule += "---|---|---|"
    print(head)
    print(rule)
    for k in keys:
        line = f"| {k[0]} | {k[1]} |"
        for r in runs:
            if k not in r:
                line += " | | |"
                continue
            score, err, med, unit, alloc, _ = r[k]
            line += f" {num(score)} ± {num(err)} {unit} | {num(med)} | {'' if alloc is None else f'{alloc:.3g}'} |"
        print(line)


if __name__ == "__main__":
    main()
