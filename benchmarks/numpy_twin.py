#!/usr/bin/python3
"""The numpy twin: the book's algorithm (Nielsen's network.py) written matrix-wise in float32,
one mini-batch per product, extended to the same autoencoder (with Adam), RNN (BPTT) and
generation step as bachprop's workloads. Samples are rows here (x @ W.T), numpy's fast layout;
the arithmetic is the same as bachprop's columns.

Run by run.sh; set OPENBLAS_NUM_THREADS in the environment before starting it (run.sh does).
"""
import numpy as np

import harness

args = harness.parse("numpy")
rng = np.random.default_rng(1)
f32 = np.float32


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def dense(n_in, n_out):
    return [(rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)).astype(f32),
            np.zeros(n_out, dtype=f32)]


def sgd(params, grads, eta):
    for p, g in zip(params, grads):
        p -= f32(eta) * g


class Adam:
    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.s = [np.zeros_like(p) for p in params]

    def step(self, params, grads):
        self.t += 1
        step = f32(self.lr / (1 - self.b1 ** self.t))
        root2 = f32(np.sqrt(1 - self.b2 ** self.t))
        for p, g, m, s in zip(params, grads, self.m, self.s):
            m *= f32(self.b1)
            m += f32(1 - self.b1) * g
            s *= f32(self.b2)
            s += f32(1 - self.b2) * (g * g)
            p -= step * m / (np.sqrt(s) / root2 + f32(self.eps))


def train_rates(step, inputs, targets, batch, items):
    n = inputs.shape[0]

    def epoch():
        order = rng.permutation(n)
        total = 0.0
        for first in range(0, n, batch):
            index = order[first:first + batch]
            total += step(inputs[index], targets[index]) * len(index)
        return total / n

    return harness.time_epochs(epoch, items, args.repeats)


def book():
    s = args.shape["book"]
    (w1, b1), (w2, b2) = dense(s["inputs"], s["hidden"]), dense(s["hidden"], s["outputs"])
    params = [w1, b1, w2, b2]
    x = rng.random((s["samples"], s["inputs"]), dtype=f32)
    y = np.eye(s["outputs"], dtype=f32)[rng.integers(0, s["outputs"], s["samples"])]

    def step(xb, yb):
        m = f32(xb.shape[0])
        a1 = sigmoid(xb @ w1.T + b1)                        # (3)-(6)
        a2 = sigmoid(a1 @ w2.T + b2)
        loss = 0.5 * float(np.square(a2 - yb).sum()) / m    # (7), mean over the batch
        d2 = (a2 - yb) / m * a2 * (1 - a2)                  # (16)
        d1 = (d2 @ w2) * a1 * (1 - a1)                      # (17)
        grads = [d1.T @ xb, d1.sum(0), d2.T @ a1, d2.sum(0)]  # (20), (22)
        sgd(params, grads, s["learning_rate"])               # (13)
        return loss

    rates = train_rates(step, x, y, args.batch, s["samples"])
    return "samples/s", rates, s["flops_per_sample"]


def autoencoder():
    s = args.shape["autoencoder"]
    n, w, c = s["inputs"], s["wide"], s["code"]
    layers = [dense(n, w), dense(w, c), dense(c, w), dense(w, n)]
    params = [p for layer in layers for p in layer]
    adam = Adam(params, s["learning_rate"])
    x = rng.random((s["samples"], n), dtype=f32)

    def step(xb, yb):
        m = f32(xb.shape[0])
        activations = [xb]
        for weights, biases in layers[:-1]:
            activations.append(sigmoid(activations[-1] @ weights.T + biases))
        z = activations[-1] @ layers[-1][0].T + layers[-1][1]
        a = sigmoid(z)
        # binary cross-entropy from the logits, summed over outputs, mean over samples
        loss = float((np.maximum(z, 0) - z * yb + np.log1p(np.exp(-np.abs(z)))).sum()) / m
        delta = (a - yb) / m                                 # paired with the sigmoid
        grads = [None] * len(params)
        for i in range(len(layers) - 1, -1, -1):
            a_in = activations[i]
            grads[2 * i], grads[2 * i + 1] = delta.T @ a_in, delta.sum(0)
            if i > 0:
                delta = (delta @ layers[i][0]) * a_in * (1 - a_in)
        adam.step(params, grads)
        return loss

    rates = train_rates(step, x, x, args.batch, s["samples"])
    return "samples/s", rates, s["flops_per_sample"]


def rnn_parameters(s):
    v, h = s["vocabulary"], s["hidden"]
    wxh, bh = dense(v, h)
    whh = np.linalg.qr(rng.standard_normal((h, h)))[0].astype(f32)
    wy, by = dense(h, v)
    return [wxh, whh, bh, wy, by]


def softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def rnn():
    s = args.shape["rnn"]
    v, hidden, t_steps, n = s["vocabulary"], s["hidden"], s["steps"], s["sequences"]
    params = rnn_parameters(s)
    wxh, whh, bh, wy, by = params
    notes = rng.integers(0, v, (n, t_steps + 1))
    eye = np.eye(v, dtype=f32)
    x = eye[notes[:, :-1]]  # sequences × steps × vocabulary, one-hot
    y = eye[notes[:, 1:]]

    def step(xb, yb):
        xs, ys = xb.transpose(1, 0, 2), yb.transpose(1, 0, 2)  # time-major: T × B × V
        batch = xs.shape[1]
        hs = np.empty((t_steps, batch, hidden), dtype=f32)
        pre = xs @ wxh.T + bh                                  # (25), input part for all steps
        h = np.zeros((batch, hidden), dtype=f32)
        for t in range(t_steps):
            h = np.tanh(pre[t] + h @ whh.T)
            hs[t] = h
        z = hs @ wy.T + by
        columns = f32(t_steps * batch)
        zmax = z.max(axis=-1, keepdims=True)
        log_sum_exp = zmax + np.log(np.exp(z - zmax).sum(axis=-1, keepdims=True))
        loss = float((log_sum_exp - (ys * z).sum(axis=-1, keepdims=True)).sum()) / columns
        delta = (softmax_rows(z) - ys) / columns               # paired with the softmax
        flat_delta, flat_h = delta.reshape(-1, v), hs.reshape(-1, hidden)
        g_wy, g_by = flat_delta.T @ flat_h, flat_delta.sum(0)
        dh = delta @ wy                                        # T × B × H
        dz = np.empty_like(hs)
        carried = np.zeros((batch, hidden), dtype=f32)
        g_whh = np.zeros_like(whh)
        for t in range(t_steps - 1, -1, -1):                   # BPTT
            dz[t] = (dh[t] + carried) * (1 - hs[t] * hs[t])
            if t > 0:
                g_whh += dz[t].T @ hs[t - 1]
                carried = dz[t] @ whh
        flat_dz = dz.reshape(-1, hidden)
        g_wxh, g_bh = flat_dz.T @ xs.reshape(-1, v), flat_dz.sum(0)
        sgd(params, [g_wxh, g_whh, g_bh, g_wy, g_by], s["learning_rate"])
        return loss

    rates = train_rates(step, x, y, args.batch, n)
    return "sequences/s", rates, s["flops_per_sequence"]


def generate(sample):
    s = args.shape["rnn"]
    v = s["vocabulary"]
    wxh, whh, bh, wy, by = rnn_parameters(s)
    state = {"h": np.zeros(s["hidden"], dtype=f32), "note": 0}
    x = np.zeros(v, dtype=f32)

    def run(steps):
        h, note = state["h"], state["note"]
        for _ in range(steps):
            x[:] = 0
            x[note] = 1
            h = np.tanh(wxh @ x + whh @ h + bh)
            p = softmax_rows(wy @ h + by)
            if sample:
                note = min(int(np.searchsorted(np.cumsum(p), rng.random(), side="right")), v - 1)
            else:
                note = int(np.argmax(p))
        state["h"], state["note"] = h, note

    times = harness.time_steps(run, s["generation_steps"], args.repeats)
    return "us/step", times, s["flops_per_step"]


if args.workload == "book":
    unit, values, flops = book()
elif args.workload == "autoencoder":
    unit, values, flops = autoencoder()
elif args.workload == "rnn":
    unit, values, flops = rnn()
else:
    unit, values, flops = generate(args.workload == "generate_sample")
harness.report("numpy", args, unit, values, flops, args.threads)
