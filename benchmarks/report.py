#!/usr/bin/python3
"""Turns the JSON lines of run.sh into the benchmark table: Markdown and JSON.

For every workload and thread count: each side's median over the rounds (each round's figure
is itself a median over timed epochs or repeats), the ratio ours / peer in throughput (for the
generation step, which is timed in µs, the peer's time / ours), so that a ratio above 1 means
bachprop is faster; the GFLOP/s bachprop achieves and its share of the two limits measured in
the same run at the same thread count, the GEMM limit (Eigen's 1024³ product) and the FMA peak
(a register-only FMA loop: the physical limit, which no figure may exceed: one that does is
reported as an error in the FLOP count); each side's peak memory (resident set). The peers are
the Python twins (numpy, PyTorch) and the C++ peers (dlib, FANN: the book network and the
autoencoder only), whose runs also report every epoch's loss: the report checks that each of
them learns (the second epoch's mean loss below the first's). Workloads without a twin (the
biaxial model's, issue 18) get a table of their own: bachprop's figure, its GFLOP/s and share of
the limits, and for generation how many times faster than real time a frame is drawn.

usage: report.py results.jsonl --out DIR [--machine TEXT] [--cores N] [--load TEXT]
"""
import argparse
import collections
import json
import os
import statistics
import sys

SIDES = ["bachprop", "numpy", "pytorch", "dlib", "fann"]
PEERS = SIDES[1:]
TWINS = ("numpy", "pytorch")  # the issues' targets are against these
NAMES = {"bachprop": "bachprop", "numpy": "numpy", "pytorch": "PyTorch", "dlib": "dlib",
         "fann": "FANN"}
LIMITS = ("gemm", "fma_peak")  # the machine's limits, measured in every round
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


def learns(run):
    """A C++ peer's run learns when the loss falls over the first two epochs (peer_common.hpp's
    rule): the first epoch's mean below the initial loss, the second's 0.1% below the first's."""
    losses, initial = run["losses"], run.get("initial_loss", float("inf"))
    return len(losses) >= 2 and losses[0] < initial and losses[1] < 0.999 * losses[0]


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
    measured = {limit: collections.defaultdict(list) for limit in LIMITS}
    with open(args.results) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if r["workload"] in LIMITS:
                measured[r["workload"]][r["threads"]].append(r)
            else:
                runs[(r["workload"], r["batch"], r["threads"], r["side"])].append(r)

    def medians(limit, field):
        return {t: statistics.median(r[field] for r in rs) for t, rs in measured[limit].items()}

    limits = medians("gemm", "value")
    cpu_limits = medians("gemm", "cpu_value")
    fma_peaks = medians("fma_peak", "value")
    fma_instruction_set = next((r.get("instruction_set") for rs in measured["fma_peak"].values()
                                for r in rs), None)
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
            if side == "bachprop" and rs[0].get("parallelism"):
                entry["parallelism"] = rs[0]["parallelism"]
            if side == "bachprop" and rs[0].get("compute_value"):
                entry["compute_value"] = statistics.median(r["compute_value"] for r in rs)
                entry["compute_gflops"] = statistics.median(r["compute_gflops"] for r in rs)
            if "frame_budget_ms" in rs[0]:  # generation against real time
                entry["frame_budget_ms"] = rs[0]["frame_budget_ms"]
                entry["real_time"] = rs[0]["frame_budget_ms"] / entry["value"]
            if "blas" in rs[0]:
                entry["blas"] = sorted({os.path.basename(p) for r in rs for p in r["blas"]})
            if threads in fma_peaks:
                entry["fma_fraction"] = entry["gflops"] / fma_peaks[threads]
            if "losses" in rs[0]:  # the C++ peers: does each run learn?
                entry["losses"] = [r["losses"] for r in rs]
                entry["initial_losses"] = [r.get("initial_loss") for r in rs]
                entry["learns"] = all(learns(r) for r in rs)
                entry["threads_used"] = rs[0].get("threads_used")
                entry["notes"] = rs[0].get("notes", {})
            row["unit"] = unit
            row["sides"][side] = entry
        ours = row["sides"].get("bachprop")
        if ours:
            for peer in PEERS:
                theirs = row["sides"].get(peer)
                if theirs:
                    row[f"ratio_{peer}"] = speed(ours["value"], row["unit"]) / speed(
                        theirs["value"], row["unit"])
                    row[f"cpu_ratio_{peer}"] = speed(ours["cpu_value"], row["unit"]) / speed(
                        theirs["cpu_value"], row["unit"])
            if target_against_pytorch(workload):
                row["target_peer"] = "pytorch"
            else:
                ratios = {p: row.get(f"ratio_{p}") for p in TWINS if row.get(f"ratio_{p}")}
                row["target_peer"] = min(ratios, key=ratios.get) if ratios else None
            row["target"] = target(workload, batch, threads)
            if row.get("target_peer") and row["target"] is not None:
                row["target_met"] = row[f"ratio_{row['target_peer']}"] >= row["target"]
            if threads in limits:
                row["gemm_fraction"] = ours["gflops"] / limits[threads]
                if "compute_gflops" in ours:
                    row["compute_gemm_fraction"] = ours["compute_gflops"] / limits[threads]
            if threads in fma_peaks:
                row["fma_fraction"] = ours["gflops"] / fma_peaks[threads]
                if "compute_gflops" in ours:
                    row["compute_fma_fraction"] = ours["compute_gflops"] / fma_peaks[threads]
        rows.append(row)

    # The physical limit: a figure above the FMA peak means FLOPs counted that were not done.
    over = [f"{row['workload']} batch {row['batch']}, {row['threads']} thread(s), {side}: "
            f"{100 * fraction:.0f}% of the FMA peak"
            for row in rows for side, entry in row["sides"].items()
            for fraction in (entry.get("fma_fraction", 0),
                             row.get("compute_fma_fraction", 0) if side == "bachprop" else 0)
            if fraction > 1]
    not_learning = [f"{NAMES[side]} on {row['workload']} batch {row['batch']}, "
                    f"{row['threads']} thread(s)"
                    for row in rows for side, entry in row["sides"].items()
                    if entry.get("learns") is False]
    for problem in over:
        print(f"report.py: error: {problem}: the FLOP count is more than the work done (or "
              "the peak was measured while another program held a core)", file=sys.stderr)
    for problem in not_learning:
        print(f"report.py: error: {problem}: the loss did not fall", file=sys.stderr)

    summary = {"machine": args.machine, "cores": args.cores, "load_average": args.load,
               "gemm_gflops": limits, "gemm_gflops_cpu_time": cpu_limits,
               "fma_peak_gflops_by_round": {t: [r["value"] for r in rs]
                                            for t, rs in measured["fma_peak"].items()},
               "fma_peak_gflops": fma_peaks, "fma_peak_gflops_cpu_time":
                   medians("fma_peak", "cpu_value"),
               "fma_instruction_set": fma_instruction_set,
               "over_fma_peak": over, "peers_not_learning": not_learning, "rows": rows}
    with open(os.path.join(args.out, "benchmarks.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "benchmarks.md"), "w") as f:
        f.write(markdown(summary))
    return 1 if over or not_learning else 0


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


def shares(gflops, gemm, fma):
    """`gflops` (its share of the GEMM limit, of the FMA peak)."""
    parts = [f"{100 * f:.0f}%" for f in (gemm, fma) if f is not None]
    return f"{gflops:.1f} ({', '.join(parts)})" if parts else f"{gflops:.1f}"


def ours_only_table(summary, threads):
    """The rows of the workloads without a twin, at `threads`: bachprop's figures alone."""
    rows = [row for row in summary["rows"]
            if row["threads"] == threads and row["workload"] in OURS_ONLY]
    if not rows:
        return []
    out = ["\nWithout a twin (bachprop only; the figure from wall time, then from processor "
           "time; real time: the time a frame may take, over the time it took):\n",
           "| workload | batch | bachprop | from processor time | GFLOP/s (% of GEMM, of FMA "
           "peak) | real time | peak MB |",
           "|" + " --- |" * 7]
    for row in rows:
        ours = row["sides"].get("bachprop", {})
        unit = row["unit"]
        gf = shares(ours.get("gflops", 0), row.get("gemm_fraction"), row.get("fma_fraction"))
        real_time = (f"{ours['real_time']:,.0f}× faster ({ours['frame_budget_ms']:g} ms a frame)"
                     if "real_time" in ours else "—")
        unit_name = "" if unit in TIME_UNITS else f" {unit}"
        per = " per frame" if unit == "ms/frame" else ""
        cpu = figure({"value": ours["cpu_value"]}, unit) if "cpu_value" in ours else "—"
        out.append(f"| {LABELS[row['workload']]} | {row['batch']} | "
                   f"{figure(ours, unit)}{unit_name}{per} | {cpu} | {gf} | {real_time} | "
                   f"{ours.get('peak_rss_mb', 0):.0f} |")
    return out


# Issue 23's targets for a second thread: bachprop's speed at 2 threads over its own at 1.
SPEEDUP_TARGETS = {("autoencoder", 256): 1.6, ("lstm", 32): 1.6}


def speedup_table(summary, threads):
    """bachprop's training rows at `threads` against its own at one thread: the speedup, the
    path the trainer chose (data-parallel shards or split products) and issue 23's target
    (≥ 1.6 for the autoencoder at batch 256 and the LSTM, ≥ 1 for every other)."""
    if threads == 1:
        return []
    ours = {(r["workload"], r["batch"], r["threads"]): r["sides"].get("bachprop")
            for r in summary["rows"]}
    out = []
    for row in summary["rows"]:
        now = row["sides"].get("bachprop")
        one = ours.get((row["workload"], row["batch"], 1))
        if row["threads"] != threads or not now or not one or "parallelism" not in now:
            continue
        gain = speed(now["value"], row["unit"]) / speed(one["value"], row["unit"])
        wanted = SPEEDUP_TARGETS.get((row["workload"], row["batch"]), 1.0)
        if not out:
            out = [f"\nbachprop's training at {threads} threads against its own at one thread "
                   "(the trainer's automatic choice: data-parallel shards, "
                   "train/data_parallel.hpp, or split products):\n",
                   "| workload | batch | path | speedup | target |", "|" + " --- |" * 5]
        out.append(f"| {LABELS[row['workload']]} | {row['batch']} | "
                   f"{'data-parallel' if now['parallelism'] == 'data' else 'products'} | "
                   f"{gain:.2f}× | ≥ {wanted:g}: {'met' if gain >= wanted else 'missed'} |")
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
    for problem in summary["over_fma_peak"]:
        out.append(f"**Error: {problem}**: the FLOP count is more than the work done (or the "
                   "peak was measured while another program held a core).\n")
    for problem in summary["peers_not_learning"]:
        out.append(f"**Error: {problem}**: the loss did not fall over the first two "
                   "epochs.\n")
    compared_all = [row for row in summary["rows"] if row["workload"] not in OURS_ONLY]
    peers = [p for p in PEERS if any(p in row["sides"] for row in compared_all)]
    for threads in sorted({row["threads"] for row in summary["rows"]}):
        limit = summary["gemm_gflops"].get(threads)
        peak = summary["fma_peak_gflops"].get(threads)
        heading = f"\n**{threads} thread{'s' if threads > 1 else ''}**"
        measures = []
        if limit:
            measures.append(f"GEMM limit (Eigen, 1024³ float): {limit:.0f} GFLOP/s")
        if peak:
            measures.append(f"FMA peak ({summary.get('fma_instruction_set') or 'FMA'}, "
                            f"register-only loop): {peak:.0f} GFLOP/s")
        out.append(heading + (" — " + "; ".join(measures) if measures else "") + "\n")
        # A round whose FMA peak falls well below the others' ran on fewer cores than it asked
        # for (a virtual machine's host lends its cores to others): say so, since the round's
        # figures at this thread count measure that.
        by_round = summary.get("fma_peak_gflops_by_round", {}).get(threads, [])
        if len(by_round) > 1:
            short = [i + 1 for i, v in enumerate(by_round) if v < 0.75 * max(by_round)]
            note = ("FMA peak by round: " + ", ".join(f"{v:.0f}" for v in by_round) + " GFLOP/s")
            if short:
                note += (f"; round{'s' if len(short) > 1 else ''} "
                         f"{', '.join(str(i) for i in short)} began with less than three "
                         "quarters of the best round's peak: the machine did not give this run "
                         f"all {threads} cores then, and those rounds' figures at this thread "
                         "count measure that")
            out.append(note + ".\n")
        compared = [row for row in compared_all if row["threads"] == threads]
        if compared:
            names = [NAMES[p] for p in peers]
            out.append("| workload | batch | bachprop | " + " | ".join(names) + " | " +
                       " | ".join(f"ours / {n}" for n in names) + " | target | "
                       "GFLOP/s (% of GEMM, of FMA peak) | compute only | "
                       f"peak MB (ours / {' / '.join(names)}) |")
            out.append("|" + " --- |" * (7 + 2 * len(peers)))
        for row in compared:
            sides = row["sides"]
            unit = row["unit"]
            ours = sides.get("bachprop", {})
            ratio = lambda p: f"{row[f'ratio_{p}']:.2f}" if f"ratio_{p}" in row else "—"
            met = ""
            if "target_met" in row:
                met = f"≥ {row['target']:g} vs {row['target_peer']}: " + (
                    "met" if row["target_met"] else "missed")
            gf = (shares(ours["gflops"], row.get("gemm_fraction"), row.get("fma_fraction"))
                  if ours else "—")
            compute = (shares(ours["compute_gflops"], row.get("compute_gemm_fraction"),
                              row.get("compute_fma_fraction"))
                       if "compute_gflops" in ours else "—")
            memory = " / ".join(f"{sides[s]['peak_rss_mb']:.0f}" if s in sides else "—"
                                for s in ["bachprop"] + peers)
            unit_name = "" if unit in TIME_UNITS else f" {unit}"
            out.append(f"| {LABELS[row['workload']]} | {row['batch']} | "
                       f"{figure(sides.get('bachprop'), unit)}{unit_name} | " +
                       " | ".join(figure(sides.get(p), unit) for p in peers) + " | " +
                       " | ".join(ratio(p) for p in peers) +
                       f" | {met} | {gf} | {compute} | {memory} |")
        if "fann" in peers and threads > 1:
            out.append("\nFANN has no threads (Debian's FANN 2.2.0): it runs at one thread only.")
        out.extend(ours_only_table(summary, threads))
        out.extend(speedup_table(summary, threads))
    if not compared_all:
        return "\n".join(out) + "\n"
    out.append("\nRatios: bachprop's throughput / the peer's (generation: the peer's time per step "
               "/ bachprop's), from wall time; above 1, bachprop is faster. Every figure is the "
               "median over the rounds of each run's median epoch (or repeat). GFLOP/s counts "
               "the products the workload needs (not the one-hot inputs' gathers), the same "
               "count for every side, and is shown as a share of the GEMM limit and of the FMA "
               "peak; \"compute only\" repeats the training step on one batch gathered once "
               "(no shuffle or gather).\n")
    cpp = [p for p in peers if p not in TWINS]
    fewest = min(row["threads"] for row in compared_all)
    if cpp:
        out.append(f"\nThe C++ peers learn: their mean loss (½‖y − a‖², mean over the samples) "
                   f"before training, then in the first two epochs ({fewest} thread"
                   f"{'s' if fewest > 1 else ''}, first round; every run is checked), and what "
                   "differs from bachprop's workload:\n")
        out.append("| peer | workload | batch | loss: before → epoch 1 → epoch 2 | learns | "
                   "loss, optimiser | differs |")
        out.append("|" + " --- |" * 7)
        for row in compared_all:
            for peer in cpp:
                entry = row["sides"].get(peer)
                if row["threads"] != fewest or not entry or "losses" not in entry:
                    continue
                losses = entry["losses"][0]
                initial = entry["initial_losses"][0]
                before = f"{initial:.4g} → " if initial is not None else ""
                notes = entry.get("notes", {})
                every = all(e.get("learns", True) for r in compared_all
                            if r["workload"] == row["workload"] and r["batch"] == row["batch"]
                            for e in [r["sides"].get(peer, {})])
                out.append(f"| {NAMES[peer]} | {LABELS[row['workload']]} | {row['batch']} | "
                           f"{before}"
                           f"{' → '.join(f'{x:.4g}' for x in losses[:2])} | "
                           f"{'yes' if every else '**no**'} | "
                           f"{notes.get('loss', '')}; {notes.get('optimiser', '')} | "
                           f"{notes.get('differs', '')} |")
    out.append("\nThe one-thread ratios from processor time (what each process itself used: a "
               "busy machine slows wall time, not this; with two threads it would count both):\n")
    out.append("| workload | batch | threads | " +
               " | ".join(f"ours / {NAMES[p]}" for p in peers) + " |")
    out.append("|" + " --- |" * (3 + len(peers)))
    for row in summary["rows"]:
        if row["threads"] != 1 or row["workload"] in OURS_ONLY:
            continue
        cr = lambda p: f"{row[f'cpu_ratio_{p}']:.2f}" if f"cpu_ratio_{p}" in row else "—"
        out.append(f"| {LABELS[row['workload']]} | {row['batch']} | {row['threads']} | " +
                   " | ".join(cr(p) for p in peers) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
