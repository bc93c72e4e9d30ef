"""What the PyTorch and numpy twins share: the command line, the timing rule, the JSON line.

Every side (bachprop_bench, torch_twin.py, numpy_twin.py, and the C++ peers dlib_peer and
fann_peer, whose peer_common.hpp follows this file) runs one workload per process and prints one
JSON line with the same fields, so that run.sh can put them side by side:
side, workload, batch, threads, unit, value (the median, from wall time), cpu_value (the same
from processor time), repeats, flops_per_item, gflops, peak_rss_mb. Training throughput is the
median over timed epochs after one warm-up epoch; every epoch includes shuffling, gathering the
mini-batches, the loss of every batch (reported as the epoch's mean loss) and the update.
"""
import argparse
import json
import resource
import statistics
import time

WORKLOADS = ["book", "autoencoder", "rnn", "generate_argmax", "generate_sample", "lstm",
             "lstm_generate_argmax", "lstm_generate_sample"]


def parse(side):
    parser = argparse.ArgumentParser(description=f"{side} twin of one bachprop benchmark workload")
    parser.add_argument("--workload", choices=WORKLOADS, required=True)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--shapes", required=True, help="shapes.json written by bachprop_bench")
    args = parser.parse_args()
    with open(args.shapes) as f:
        args.shape = json.load(f)
    if "generate" in args.workload:
        args.batch = 1
    return args


# The warm-up before anything is timed: the work again and again until half a second has
# passed (at least once). On the virtual machines we measure on, a core that was idle runs
# slowly for its first few hundred milliseconds of work; every side warms up the same way
# (bachprop_bench.cpp, peer_common.hpp).
WARM_UP_SECONDS = 0.5


def warm_up(run):
    """Calls run() until WARM_UP_SECONDS have passed (at least once); returns its last result."""
    start = time.perf_counter()
    result = run()
    while time.perf_counter() - start < WARM_UP_SECONDS:
        result = run()
    return result


def time_epochs(run_epoch, items, repeats):
    """Throughput (items per second) of each timed epoch after half a second of warm-up epochs,
    from wall time and from processor time (which leaves out the time other programs held the
    cores)."""
    loss = warm_up(run_epoch)
    rates, cpu_rates = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        loss = run_epoch()
        rates.append(items / (time.perf_counter() - start))
        cpu_rates.append(items / (time.process_time() - cpu_start))
    if not loss == loss or loss in (float("inf"), float("-inf")):
        raise SystemExit("training diverged: the loss is not finite")
    return rates, cpu_rates


def time_steps(run_steps, steps, repeats):
    """Microseconds per step of each timed repeat of `steps` steps, after half a second of
    warm-up."""
    warm_up(lambda: run_steps(max(1, steps // 10)))
    times, cpu_times = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        run_steps(steps)
        times.append((time.perf_counter() - start) / steps * 1e6)
        cpu_times.append((time.process_time() - cpu_start) / steps * 1e6)
    return times, cpu_times


def blas_libraries():
    """The BLAS shared libraries this process has loaded (which one numpy and PyTorch use
    decides their speed: the reference BLAS is many times slower than OpenBLAS)."""
    found = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if "blas" in path.lower() or "lapack" in path.lower():
                    found.add(path)
    except OSError:
        pass
    return sorted(found)


def report(side, args, unit, measured, flops_per_item, threads_used):
    repeats, cpu_repeats = measured
    value = statistics.median(repeats)
    if unit == "us/step":
        gflops = flops_per_item / value * 1e-3
    else:
        gflops = value * flops_per_item * 1e-9
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Linux: KiB
    print(json.dumps({
        "side": side, "workload": args.workload, "batch": args.batch, "threads": args.threads,
        "threads_used": threads_used, "unit": unit, "value": value, "repeats": repeats,
        "cpu_value": statistics.median(cpu_repeats),
        "flops_per_item": flops_per_item, "gflops": gflops, "peak_rss_mb": peak_kib / 1024.0,
        "blas": blas_libraries(),
    }), flush=True)
