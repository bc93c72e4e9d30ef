#!/usr/bin/python3
"""The numpy twin: the book's algorithm (Nielsen's network.py) written matrix-wise in float32,
one mini-batch per product, extended to the same autoencoder (with Adam), RNN and LSTM (BPTT)
and generation steps as bachprop's workloads. Samples are rows here (x @ W.T), numpy's fast layout;
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


def lstm_parameters(s):
    """W_x, W_h, b with the gates stacked i, f, g, o (torch.nn.LSTM's order), then the output."""
    v, h = s["vocabulary"], s["hidden"]
    wx, b = dense(v, 4 * h)
    wh = np.concatenate([np.linalg.qr(rng.standard_normal((h, h)))[0] for _ in range(4)])
    b[h:2 * h] = 1  # the forget gate's bias
    wy, by = dense(h, v)
    return [wx, wh.astype(f32), b, wy, by]


def lstm_gates(z, c, hidden):
    """(27)-(28): the activated gates i, f, g, o side by side, then c_t and tanh(c_t)."""
    gates = np.empty_like(z)
    gates[..., :2 * hidden] = sigmoid(z[..., :2 * hidden])
    gates[..., 2 * hidden:3 * hidden] = np.tanh(z[..., 2 * hidden:3 * hidden])
    gates[..., 3 * hidden:] = sigmoid(z[..., 3 * hidden:])
    i, f, g = (gates[..., k * hidden:(k + 1) * hidden] for k in range(3))
    c = f * c + i * g
    return gates, c, np.tanh(c)


def lstm():
    s = args.shape["lstm"]
    v, hidden, t_steps, n = s["vocabulary"], s["hidden"], s["steps"], s["sequences"]
    params = lstm_parameters(s)
    wx, wh, b, wy, by = params
    notes = rng.integers(0, v, (n, t_steps + 1))
    eye = np.eye(v, dtype=f32)
    x = eye[notes[:, :-1]]  # sequences × steps × vocabulary, one-hot
    y = eye[notes[:, 1:]]

    def step(xb, yb):
        xs, ys = xb.transpose(1, 0, 2), yb.transpose(1, 0, 2)  # time-major: T × B × V
        batch = xs.shape[1]
        gates = np.empty((t_steps, batch, 4 * hidden), dtype=f32)
        cs = np.empty((t_steps, batch, hidden), dtype=f32)
        tanh_cs, hs = np.empty_like(cs), np.empty_like(cs)
        pre = xs @ wx.T + b                                    # (26), input part for all steps
        h = np.zeros((batch, hidden), dtype=f32)
        c = np.zeros((batch, hidden), dtype=f32)
        for t in range(t_steps):
            gates[t], c, tanh_cs[t] = lstm_gates(pre[t] + h @ wh.T, c, hidden)
            cs[t] = c
            h = hs[t] = gates[t, :, 3 * hidden:] * tanh_cs[t]
        z = hs @ wy.T + by
        columns = f32(t_steps * batch)
        zmax = z.max(axis=-1, keepdims=True)
        log_sum_exp = zmax + np.log(np.exp(z - zmax).sum(axis=-1, keepdims=True))
        loss = float((log_sum_exp - (ys * z).sum(axis=-1, keepdims=True)).sum()) / columns
        delta = (softmax_rows(z) - ys) / columns               # paired with the softmax
        flat_delta, flat_h = delta.reshape(-1, v), hs.reshape(-1, hidden)
        g_wy, g_by = flat_delta.T @ flat_h, flat_delta.sum(0)
        dh_out = delta @ wy                                    # T × B × H
        dz = np.empty_like(gates)
        carried_h = np.zeros((batch, hidden), dtype=f32)
        carried_c = np.zeros((batch, hidden), dtype=f32)
        for t in range(t_steps - 1, -1, -1):                   # BPTT, (29)-(31)
            i, f, g, o = (gates[t, :, k * hidden:(k + 1) * hidden] for k in range(4))
            tanh_c = tanh_cs[t]
            dh = dh_out[t] + carried_h
            dc = carried_c + dh * o * (1 - tanh_c * tanh_c)
            dz[t, :, :hidden] = dc * g * i * (1 - i)
            dz[t, :, hidden:2 * hidden] = (dc * cs[t - 1] * f * (1 - f)) if t > 0 else 0
            dz[t, :, 2 * hidden:3 * hidden] = dc * i * (1 - g * g)
            dz[t, :, 3 * hidden:] = dh * tanh_c * o * (1 - o)
            carried_h = dz[t] @ wh
            carried_c = dc * f
        flat_dz = dz.reshape(-1, 4 * hidden)                   # (32)
        g_wh = dz[1:].reshape(-1, 4 * hidden).T @ hs[:-1].reshape(-1, hidden)
        g_wx, g_b = flat_dz.T @ xs.reshape(-1, v), flat_dz.sum(0)
        sgd(params, [g_wx, g_wh, g_b, g_wy, g_by], s["learning_rate"])
        return loss

    rates = train_rates(step, x, y, args.batch, n)
    return "sequences/s", rates, s["flops_per_sequence"]


def lstm_generate(sample):
    s = args.shape["lstm"]
    v, hidden = s["vocabulary"], s["hidden"]
    wx, wh, b, wy, by = lstm_parameters(s)
    state = {"h": np.zeros(hidden, dtype=f32), "c": np.zeros(hidden, dtype=f32), "note": 0}
    x = np.zeros(v, dtype=f32)

    def run(steps):
        h, c, note = state["h"], state["c"], state["note"]
        for _ in range(steps):
            x[:] = 0
            x[note] = 1
            gates, c, tanh_c = lstm_gates(wx @ x + wh @ h + b, c, hidden)
            h = gates[3 * hidden:] * tanh_c
            p = softmax_rows(wy @ h + by)
            if sample:
                note = min(int(np.searchsorted(np.cumsum(p), rng.random(), side="right")), v - 1)
            else:
                note = int(np.argmax(p))
        state["h"], state["c"], state["note"] = h, c, note

    times = harness.time_steps(run, s["generation_steps"], args.repeats)
    return "us/step", times, s["flops_per_step"]


if args.workload == "book":
    unit, values, flops = book()
elif args.workload == "autoencoder":
    unit, values, flops = autoencoder()
elif args.workload == "rnn":
    unit, values, flops = rnn()
elif args.workload == "lstm":
    unit, values, flops = lstm()
elif args.workload.startswith("lstm_"):
    unit, values, flops = lstm_generate(args.workload.endswith("_sample"))
else:
    unit, values, flops = generate(args.workload == "generate_sample")
harness.report("numpy", args, unit, values, flops, args.threads)
