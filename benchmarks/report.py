#!/usr/bin/python3
"""Turns the JSON lines of run.sh into the benchmark table: Markdown and JSON.

For every workload and thread count: each side's median over the rounds (each round's figure
is itself a median over timed epochs or repeats), the ratio ours / peer in throughput (for the
generation step, which is timed in µs, the peer's time / ours), so that a ratio above 1 means
bachprop is faster; the GFLOP/s bachprop achieves and its share of the GEMM limit measured in
the same run at the same thread count; each side's peak memory (resident set). Workloads
without a twin (the biaxial model's, issue 18) get a table of their own: bachprop's figure, its
GFLOP/s and share of the GEMM limit, and for generation how many times faster than real time a
frame is drawn.

usage: report.py results.jsonl --out DIR [--machine TEXT] [--cores N] [--load TEXT]
"""
import argparse
import collections
import json
import os
import statistics

SIDES = ["bachprop", "numpy", "pytorch"]
LABELS = {"book": "book 784-30-10", "autoencoder": "autoencoder 784-128-32-128-784",
          "rnn": "RNN 64-128-64, 32 steps", "generate_argmax": "generation step, argmax",
          "generate_sample": "generation step, sampling", "lstm": "LSTM 64-128-64, 32 steps",
          "lstm_generate_argmax": "LSTM generation step, argmax",
          "lstm_generate_sample": "LSTM generation step, sampling",
          "biaxial": "biaxial model, training (64-frame windows)",
          "biaxial_generate": "biaxial model, a generated frame (88 keys)"}
ORDER = ["book", "autoencoder", "rnn", "generate_argmax", "generate_sample", "lstm",
         "lstm_generate_argmax", "lstm_generate_sample", "biaxial", "biaxial_generate"]
OURS_ONLY = {"biaxial", "biaxial_generate"}  # no twin: no ratio, no target against a peer
TIME_UNITS = {"us/step", "ms/frame"}  # times per item: lower is faster


def target(workload, batch, threads):
    """The issues' bar for ours / the faster peer; the generation steps and the LSTM
    (issue 17) are measured against PyTorch; the workloads without a twin have none."""
    if workload in OURS_ONLY:
        return None
    if workload in ("book", "autoencoder"):
        return 1.0 if batch >= 256 else 1.5
    if workload == "rnn":
        return 1.5
    if workload == "lstm":
        return 2.0 if threads == 1 else 1.5
    return 20.0


def target_against_pytorch(workload):
    return workload not in OURS_ONLY and ("generate" in workload or workload == "lstm")


def speed(value, unit):
    return 1.0 / value if unit in TIME_UNITS else value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--out", required=True)
    parser.add_argument("--machine", default="")
    parser.add_argument("--cores", default="")
    parser.add_argument("--load", default="")
    args = parser.parse_args()

    runs = collections.defaultdict(list)
    gemm = collections.defaultdict(list)
    with open(args.results) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if r["workload"] == "gemm":
                gemm[r["threads"]].append(r)
            else:
                runs[(r["workload"], r["batch"], r["threads"], r["side"])].append(r)

    limits = {t: statistics.median(r["value"] for r in rs) for t, rs in gemm.items()}
    cpu_limits = {t: statistics.median(r["cpu_value"] for r in rs) for t, rs in gemm.items()}
    keys = sorted({(w, b, t) for (w, b, t, _) in runs},
                  key=lambda k: (k[2], ORDER.index(k[0]), k[1]))
    rows = []
    for workload, batch, threads in keys:
        row = {"workload": workload, "batch": batch, "threads": threads, "sides": {}}
        for side in SIDES:
            rs = runs.get((workload, batch, threads, side))
            if not rs:
                continue
            unit = rs[0]["unit"]
            entry = {
                "unit": unit,
                "value": statistics.median(r["value"] for r in rs),
                "cpu_value": statistics.median(r["cpu_value"] for r in rs),
                "rounds": [r["value"] for r in rs],
                "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
                "gflops": statistics.median(r["gflops"] for r in rs),
            }
            if side == "bachprop" and rs[0].get("compute_value"):
                entry["compute_value"] = statistics.median(r["compute_value"] for r in rs)
                entry["compute_gflops"] = statistics.median(r["compute_gflops"] for r in rs)
            if "frame_budget_ms" in rs[0]:  # generation against real time
                entry["frame_budget_ms"] = rs[0]["frame_budget_ms"]
                entry["real_time"] = rs[0]["frame_budget_ms"] / entry["value"]
            if "blas" in rs[0]:
                entry["blas"] = sorted({os.path.basename(p) for r in rs for p in r["blas"]})
            row["unit"] = unit
            row["sides"][side] = entry
        ours = row["sides"].get("bachprop")
        if ours:
            for peer in ("numpy", "pytorch"):
                theirs = row["sides"].get(peer)
                if theirs:
                    row[f"ratio_{peer}"] = speed(ours["value"], row["unit"]) / speed(
                        theirs["value"], row["unit"])
                    row[f"cpu_ratio_{peer}"] = speed(ours["cpu_value"], row["unit"]) / speed(
                        theirs["cpu_value"], row["unit"])
            if target_against_pytorch(workload):
                row["target_peer"] = "pytorch"
            else:
                ratios = {p: row.get(f"ratio_{p}") for p in ("numpy", "pytorch")
                          if row.get(f"ratio_{p}")}
                row["target_peer"] = min(ratios, key=ratios.get) if ratios else None
            row["target"] = target(workload, batch, threads)
            if row.get("target_peer") and row["target"] is not None:
                row["target_met"] = row[f"ratio_{row['target_peer']}"] >= row["target"]
            if threads in limits:
                row["gemm_fraction"] = ours["gflops"] / limits[threads]
                if "compute_gflops" in ours:
                    row["compute_gemm_fraction"] = ours["compute_gflops"] / limits[threads]
        rows.append(row)

    summary = {"machine": args.machine, "cores": args.cores, "load_average": args.load,
               "gemm_gflops": limits, "gemm_gflops_cpu_time": cpu_limits, "rows": rows}
    with open(os.path.join(args.out, "benchmarks.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "benchmarks.md"), "w") as f:
        f.write(markdown(summary))


def figure(entry, unit):
    if entry is None:
        return "—"
    v = entry["value"]
    if unit == "us/step":
        return f"{v:.2f} µs"
    if unit == "ms/frame":
        return f"{v:.3f} ms"
    if unit == "frames/s":
        return f"{v:,.0f}"
    return f"{v / 1000:,.1f}k"


def ours_only_table(summary, threads):
    """The rows of the workloads without a twin, at `threads`: bachprop's figures alone."""
    rows = [row for row in summary["rows"]
            if row["threads"] == threads and row["workload"] in OURS_ONLY]
    if not rows:
        return []
    out = ["\nWithout a twin (bachprop only; the figure from wall time, then from processor "
           "time; real time: the time a frame may take, over the time it took):\n",
           "| workload | batch | bachprop | from processor time | GFLOP/s (% of GEMM) | "
           "real time | peak MB |",
           "|" + " --- |" * 7]
    for row in rows:
        ours = row["sides"].get("bachprop", {})
        unit = row["unit"]
        gf = (f"{ours['gflops']:.1f} ({100 * row['gemm_fraction']:.0f}%)"
              if "gemm_fraction" in row else f"{ours.get('gflops', 0):.1f}")
        real_time = (f"{ours['real_time']:,.0f}× faster ({ours['frame_budget_ms']:g} ms a frame)"
                     if "real_time" in ours else "—")
        unit_name = "" if unit in TIME_UNITS else f" {unit}"
        per = " per frame" if unit == "ms/frame" else ""
        cpu = figure({"value": ours["cpu_value"]}, unit) if "cpu_value" in ours else "—"
        out.append(f"| {LABELS[row['workload']]} | {row['batch']} | "
                   f"{figure(ours, unit)}{unit_name}{per} | {cpu} | {gf} | {real_time} | "
                   f"{ours.get('peak_rss_mb', 0):.0f} |")
    return out


def markdown(summary):
    out = []
    machine = summary["machine"] + (f", {summary['cores']} cores" if summary["cores"] else "")
    out.append(f"Machine: {machine}. Load average before → after the run: "
               f"{summary['load_average']}.\n")
    blas = sorted({b for row in summary["rows"] for s in row["sides"].values()
                   for b in s.get("blas", [])})
    if blas:
        out.append(f"BLAS loaded by the peers: {', '.join(blas)}.\n")
    for threads in sorted({row["threads"] for row in summary["rows"]}):
        limit = summary["gemm_gflops"].get(threads)
        out.append(f"\n**{threads} thread{'s' if threads > 1 else ''}** — GEMM limit (Eigen, "
                   f"1024³ float): {limit:.0f} GFLOP/s\n" if limit else
                   f"\n**{threads} thread{'s' if threads > 1 else ''}**\n")
        compared = [row for row in summary["rows"]
                    if row["threads"] == threads and row["workload"] not in OURS_ONLY]
        if compared:
            out.append("| workload | batch | bachprop | numpy | PyTorch | ours / numpy | "
                       "ours / PyTorch | target | GFLOP/s (% of GEMM) | compute only | "
                       "peak MB (ours / numpy / PyTorch) |")
            out.append("|" + " --- |" * 11)
        for row in compared:
            sides = row["sides"]
            unit = row["unit"]
            ours = sides.get("bachprop", {})
            ratio = lambda p: f"{row[f'ratio_{p}']:.2f}" if f"ratio_{p}" in row else "—"
            met = ""
            if "target_met" in row:
                met = f"≥ {row['target']:g} vs {row['target_peer']}: " + (
                    "met" if row["target_met"] else "missed")
            gf = (f"{ours['gflops']:.1f} ({100 * row['gemm_fraction']:.0f}%)"
                  if "gemm_fraction" in row else "—")
            compute = (f"{ours['compute_gflops']:.1f} ({100 * row['compute_gemm_fraction']:.0f}%)"
                       if "compute_gemm_fraction" in row else "—")
            memory = " / ".join(f"{sides[s]['peak_rss_mb']:.0f}" if s in sides else "—"
                                for s in SIDES)
            unit_name = "" if unit in TIME_UNITS else f" {unit}"
            out.append(f"| {LABELS[row['workload']]} | {row['batch']} | "
                       f"{figure(sides.get('bachprop'), unit)}{unit_name} | "
                       f"{figure(sides.get('numpy'), unit)} | "
                       f"{figure(sides.get('pytorch'), unit)} | "
                       f"{ratio('numpy')} | {ratio('pytorch')} | {met} | {gf} | {compute} | "
                       f"{memory} |")
        out.extend(ours_only_table(summary, threads))
    compared = [row for row in summary["rows"] if row["workload"] not in OURS_ONLY]
    if not compared:
        return "\n".join(out) + "\n"
    out.append("\nRatios: bachprop's throughput / the peer's (generation: the peer's time per step "
               "/ bachprop's), from wall time; above 1, bachprop is faster. Every figure is the "
               "median over the rounds of each run's median epoch (or repeat). GFLOP/s counts "
               "the products a dense implementation needs, the same count for every side; "
               "\"compute only\" repeats the training step on one batch gathered once (no "
               "shuffle or gather).\n")
    out.append("\nThe one-thread ratios from processor time (what each process itself used: a "
               "busy machine slows wall time, not this; with two threads it would count both):\n")
    out.append("| workload | batch | threads | ours / numpy | ours / PyTorch |")
    out.append("|" + " --- |" * 5)
    for row in summary["rows"]:
        if row["threads"] != 1 or row["workload"] in OURS_ONLY:
            continue
        cr = lambda p: f"{row[f'cpu_ratio_{p}']:.2f}" if f"cpu_ratio_{p}" in row else "—"
        out.append(f"| {LABELS[row['workload']]} | {row['batch']} | {row['threads']} | "
                   f"{cr('numpy')} | {cr('pytorch')} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
