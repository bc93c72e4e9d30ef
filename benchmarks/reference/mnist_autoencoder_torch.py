#!/usr/bin/python3
"""The PyTorch twin of examples/03_mnist_autoencoder: the same network, the same initial
weights, the same mini-batches in the same order, the same optimiser and loss, so that the two
test errors can be compared number for number.

    build/bin/mnist_autoencoder --save-initial initial.json --summary ours.json
    /usr/bin/python3 benchmarks/reference/mnist_autoencoder_torch.py \\
        --data ../shared/data/mnist --init initial.json --compare ours.json

What is shared, and how:
  - the network: read from the bachprop model JSON (--init): every "dense" layer becomes an
    nn.Linear with exactly those weights (bachprop stores W as n_out x n_in, as PyTorch does) and
    biases; "relu", "tanh" and "sigmoid" layers become their PyTorch modules. The last sigmoid is
    folded into the loss, as bachprop's network pairs it with binary cross-entropy.
  - the loss: binary cross-entropy from the logits, summed over the pixels and averaged over
    the mini-batch (bachprop's convention, section 4.3 of the derivation).
  - the optimiser: torch.optim.Adam with bachprop's defaults (beta 0.9 and 0.999, eps 1e-8).
  - the order: bachprop shuffles with its own portable generator (std::mt19937_64 and a
    Fisher-Yates shuffle on top, include/bachprop/core/random.hpp); this script implements the
    same generator, checked against the C++ standard's required value, so every mini-batch
    holds the same images as bachprop's.
  - arithmetic: float32, one thread by default (bachprop's programs use one), and subnormal
    numbers flushed to zero, as mnist_autoencoder does.

It reads the IDX files itself (gzip + numpy), independently of bachprop's reader.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

MASK64 = (1 << 64) - 1


class Mt19937_64:
    """std::mt19937_64 (the C++ standard's parameters), generating 312 values at a time."""

    N, M = 312, 156
    MATRIX_A = np.uint64(0xB5026F5AA96619E9)
    UPPER = np.uint64(0xFFFFFFFF80000000)
    LOWER = np.uint64(0x7FFFFFFF)

    def __init__(self, seed):
        state = [seed & MASK64]
        for i in range(1, self.N):
            previous = state[-1]
            state.append((6364136223846793005 * (previous ^ (previous >> 62)) + i) & MASK64)
        self.state = np.array(state, dtype=np.uint64)
        self.block = []
        self.index = 0

    def _twist(self):
        n, m, mt = self.N, self.M, self.state
        old = mt.copy()
        one = np.uint64(1)
        y = (old[: n - 1] & self.UPPER) | (old[1:] & self.LOWER)
        mag = np.where((y & one) == one, self.MATRIX_A, np.uint64(0))
        mt[: n - m] = old[m:] ^ (y[: n - m] >> one) ^ mag[: n - m]
        mt[n - m : n - 1] = mt[: m - 1] ^ (y[n - m :] >> one) ^ mag[n - m :]
        last = (old[n - 1] & self.UPPER) | (mt[0] & self.LOWER)
        mt[n - 1] = mt[m - 1] ^ (last >> one) ^ (self.MATRIX_A if last & one else np.uint64(0))
        x = mt.copy()
        x ^= (x >> np.uint64(29)) & np.uint64(0x5555555555555555)
        x ^= (x << np.uint64(17)) & np.uint64(0x71D67FFFEDA60000)
        x ^= (x << np.uint64(37)) & np.uint64(0xFFF7EEE000000000)
        x ^= x >> np.uint64(43)
        self.block = [int(v) for v in x]
        self.index = 0

    def bits(self):
        if self.index >= len(self.block):
            self._twist()
        value = self.block[self.index]
        self.index += 1
        return value


class BachpropRng:
    """bachprop::Rng's integer draws and shuffle, on the same engine."""

    def __init__(self, seed):
        self.engine = Mt19937_64(seed)

    def below(self, n):
        if n <= 1:
            return 0
        mask = n - 1
        for shift in (1, 2, 4, 8, 16, 32):
            mask |= mask >> shift
        while True:
            value = self.engine.bits() & mask
            if value < n:
                return value

    def shuffle(self, items):
        for i in range(len(items), 1, -1):
            j = self.below(i)
            items[i - 1], items[j] = items[j], items[i - 1]


def check_engine():
    # The C++ standard ([rand.predef]) requires the 10000th value of a default-constructed
    # std::mt19937_64 (seed 5489) to be 9981545732273789042.
    engine = Mt19937_64(5489)
    for _ in range(9999):
        engine.bits()
    if engine.bits() != 9981545732273789042:
        sys.exit("internal error: the mt19937_64 implementation is wrong")


def read_idx(path, dimensions):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic != 0x0800 + dimensions:
        sys.exit(f"{path}: magic {magic:#010x}, expected {0x0800 + dimensions:#010x}")
    sizes = struct.unpack(">" + "I" * dimensions, data[4 : 4 + 4 * dimensions])
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dimensions)
    if values.size != int(np.prod(sizes)):
        sys.exit(f"{path}: {values.size} values, the header says {sizes}")
    return values.reshape(sizes)


def find(folder, stem):
    for name in (stem + ".gz", stem):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    sys.exit(f"{folder}: no {stem}(.gz)")


def load_images(folder, stem, limit):
    images = read_idx(find(folder, stem), 3)
    if limit > 0:
        images = images[:limit]
    # The same scaling as bachprop: v / 255, correctly rounded in float32.
    return torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / np.float32(255))


def build_network(document):
    layers = []
    kinds = []
    for entry in document["layers"]:
        kind = entry["kind"]
        kinds.append(kind)
        if kind == "dense":
            linear = torch.nn.Linear(entry["inputs"], entry["outputs"])
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(entry["parameters"]["weights"]))
                linear.bias.copy_(torch.tensor(entry["parameters"]["biases"]).reshape(-1))
            layers.append(linear)
        elif kind == "relu":
            layers.append(torch.nn.ReLU())
        elif kind == "tanh":
            layers.append(torch.nn.Tanh())
        elif kind == "sigmoid":
            layers.append(torch.nn.Sigmoid())
        else:
            sys.exit(f"layer kind {kind!r} is not supported here")
    if kinds[-1] != "sigmoid":
        sys.exit("the network must end with a sigmoid (paired with binary cross-entropy)")
    # The output sigmoid is folded into the loss (binary cross-entropy from the logits).
    return torch.nn.Sequential(*layers[:-1]), kinds


def errors(network, images, chunk=5000):
    bce = 0.0
    squared = 0.0
    with torch.no_grad():
        for first in range(0, len(images), chunk):
            x = images[first : first + chunk]
            logits = network(x)
            bce += F.binary_cross_entropy_with_logits(logits, x, reduction="sum").item()
            squared += ((torch.sigmoid(logits) - x) ** 2).sum().item()
    return bce / images.numel(), squared / images.numel()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="folder with the MNIST IDX files")
    parser.add_argument("--init", required=True, help="bachprop model JSON (--save-initial)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=1, help="mnist_autoencoder's --seed")
    parser.add_argument("--limit", type=int, default=0, help="first N training images (0: all)")
    parser.add_argument("--test-limit", type=int, default=0, help="first N test images (0: all)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--summary", help="write the figures as JSON to this file")
    parser.add_argument("--compare", help="mnist_autoencoder's --summary JSON to compare with")
    parser.add_argument("--tolerance", type=float, default=0.05,
                        help="largest relative difference of the test BCE accepted by --compare")
    args = parser.parse_args()

    check_engine()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    with open(args.init) as f:
        network, kinds = build_network(json.load(f))
    train = load_images(args.data, "train-images-idx3-ubyte", args.limit)
    test = load_images(args.data, "t10k-images-idx3-ubyte", args.test_limit)
    print(f"PyTorch {torch.__version__}, {args.threads} thread(s); network {'-'.join(kinds)}; "
          f"{len(train)} training and {len(test)} test images")
    optimiser = torch.optim.Adam(network.parameters(), lr=args.learning_rate,
                                 betas=(0.9, 0.999), eps=1e-8)
    rng = BachpropRng(args.seed)
    order = list(range(len(train)))
    epochs = []
    total_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        rng.shuffle(order)
        index = torch.tensor(order)
        loss_sum = 0.0
        for first in range(0, len(train), args.batch_size):
            x = train[index[first : first + args.batch_size]]
            # Summed over pixels, averaged over the batch: bachprop's C-bar (section 4.3).
            loss = F.binary_cross_entropy_with_logits(network(x), x, reduction="sum") / len(x)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            loss_sum += loss.item() * len(x)
        seconds = time.perf_counter() - start
        total_seconds += seconds
        test_bce, test_mse = errors(network, test)
        train_bce = loss_sum / len(train) / train.shape[1]
        epochs.append({"epoch": epoch, "train_bce_per_pixel": train_bce,
                       "test_bce_per_pixel": test_bce, "test_mse_per_pixel": test_mse,
                       "seconds": seconds})
        print(f"epoch {epoch:3d}/{args.epochs}  train BCE {train_bce:.4f}  test BCE "
              f"{test_bce:.4f} nats/pixel, MSE {test_mse:.4f}/pixel  {seconds:.2f} s", flush=True)

    test_bce, test_mse = errors(network, test)
    images_per_second = len(train) * args.epochs / total_seconds
    print(f"\ntraining time {total_seconds:.1f} s ({total_seconds / args.epochs:.1f} s per epoch, "
          f"{images_per_second:.0f} images/s)")
    print(f"test reconstruction error: BCE {test_bce:.4f} nats/pixel, MSE {test_mse:.4f}/pixel")
    summary = {"program": "mnist_autoencoder_torch", "torch_version": torch.__version__,
               "threads": args.threads, "train_images": len(train), "test_images": len(test),
               "epochs": epochs, "train_seconds": total_seconds,
               "test_bce_per_pixel": test_bce, "test_mse_per_pixel": test_mse}
    status = 0
    if args.compare:
        with open(args.compare) as f:
            ours = json.load(f)
        relative = abs(test_bce - ours["test_bce_per_pixel"]) / ours["test_bce_per_pixel"]
        relative_mse = abs(test_mse - ours["test_mse_per_pixel"]) / ours["test_mse_per_pixel"]
        verdict = "within" if relative <= args.tolerance else "NOT within"
        print(f"bachprop: test BCE {ours['test_bce_per_pixel']:.4f}, MSE "
              f"{ours['test_mse_per_pixel']:.4f}; PyTorch: BCE {test_bce:.4f}, MSE {test_mse:.4f}")
        print(f"PyTorch's test BCE differs by {100 * relative:.2f}% (MSE by "
              f"{100 * relative_mse:.2f}%): {verdict} {100 * args.tolerance:.1f}% of bachprop's")
        if "train_seconds" in ours:
            print(f"training time: bachprop {ours['train_seconds']:.1f} s, PyTorch "
                  f"{total_seconds:.1f} s")
        summary["compared_with"] = {"file": args.compare, "relative_bce_difference": relative,
                                    "relative_mse_difference": relative_mse}
        status = 0 if relative <= args.tolerance else 1
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump(summary, f, indent=2)
    return status


if __name__ == "__main__":
    sys.exit(main())
