#!/usr/bin/python3
"""The PyTorch twin of bachprop's benchmark workloads: same shapes, batch sizes, losses,
optimisers and thread count, written as a PyTorch user would write them (nn.Linear,
nn.RNN, nn.LSTM, torch.optim, a randperm shuffle and index gathers, loss.item() every batch).

Run by run.sh; set OPENBLAS_NUM_THREADS in the environment before starting it (run.sh does).
"""
import torch
import torch.nn.functional as F

import harness

args = harness.parse("torch")
torch.set_num_threads(args.threads)
torch.manual_seed(1)
torch.set_grad_enabled(True)


def train_rates(model, loss_of, optimiser, inputs, targets, batch, items):
    """inputs and targets hold one sample (or sequence) per row of their first axis."""
    n = inputs.shape[0]

    def epoch():
        order = torch.randperm(n)
        total = 0.0
        for first in range(0, n, batch):
            index = order[first:first + batch]
            optimiser.zero_grad()
            loss = loss_of(model, inputs[index], targets[index])
            loss.backward()
            optimiser.step()
            total += loss.item() * index.numel()
        return total / n

    return harness.time_epochs(epoch, items, args.repeats)


def book():
    s = args.shape["book"]
    model = torch.nn.Sequential(
        torch.nn.Linear(s["inputs"], s["hidden"]), torch.nn.Sigmoid(),
        torch.nn.Linear(s["hidden"], s["outputs"]), torch.nn.Sigmoid())
    x = torch.rand(s["samples"], s["inputs"])
    y = F.one_hot(torch.randint(0, s["outputs"], (s["samples"],)), s["outputs"]).float()

    def quadratic(model, xb, yb):  # (7) averaged over the batch (4.3)
        return 0.5 * (model(xb) - yb).pow(2).sum() / xb.shape[0]

    sgd = torch.optim.SGD(model.parameters(), lr=s["learning_rate"])
    rates = train_rates(model, quadratic, sgd, x, y, args.batch, s["samples"])
    return "samples/s", rates, s["flops_per_sample"]


def autoencoder():
    s = args.shape["autoencoder"]
    n, w, c = s["inputs"], s["wide"], s["code"]
    model = torch.nn.Sequential(
        torch.nn.Linear(n, w), torch.nn.Sigmoid(), torch.nn.Linear(w, c), torch.nn.Sigmoid(),
        torch.nn.Linear(c, w), torch.nn.Sigmoid(), torch.nn.Linear(w, n))  # logits
    x = torch.rand(s["samples"], n)

    def binary_cross_entropy(model, xb, yb):  # summed over outputs, mean over samples
        return F.binary_cross_entropy_with_logits(model(xb), yb, reduction="sum") / xb.shape[0]

    adam = torch.optim.Adam(model.parameters(), lr=s["learning_rate"])
    rates = train_rates(model, binary_cross_entropy, adam, x, x, args.batch, s["samples"])
    return "samples/s", rates, s["flops_per_sample"]


class NextNote(torch.nn.Module):
    """nn.RNN (tanh) or nn.LSTM, then nn.Linear; the state is h, or (h, c) for the LSTM."""

    def __init__(self, vocabulary, hidden, lstm=False):
        super().__init__()
        if lstm:
            self.rnn = torch.nn.LSTM(vocabulary, hidden)  # time-major
        else:
            self.rnn = torch.nn.RNN(vocabulary, hidden, nonlinearity="tanh")
        self.out = torch.nn.Linear(hidden, vocabulary)

    def forward(self, x, h=None):
        states, h = self.rnn(x, h)
        return self.out(states), h


def rnn(name="rnn"):
    s = args.shape[name]
    v, t, n = s["vocabulary"], s["steps"], s["sequences"]
    model = NextNote(v, s["hidden"], lstm=name == "lstm")
    notes = torch.randint(0, v, (n, t + 1))
    x = F.one_hot(notes[:, :-1], v).float()  # sequences × steps × vocabulary, one-hot
    y = notes[:, 1:]                          # the next note at every step

    def cross_entropy(model, xb, yb):  # every step of every sequence, mean over them
        logits, _ = model(xb.transpose(0, 1))
        return F.cross_entropy(logits.reshape(-1, v), yb.transpose(0, 1).reshape(-1))

    sgd = torch.optim.SGD(model.parameters(), lr=s["learning_rate"])
    rates = train_rates(model, cross_entropy, sgd, x, y, args.batch, n)
    return "sequences/s", rates, s["flops_per_sequence"]


def generate(sample, name="rnn"):
    s = args.shape[name]
    v = s["vocabulary"]
    model = NextNote(v, s["hidden"], lstm=name == "lstm")
    state = {"h": None, "note": 0}
    x = torch.zeros(1, 1, v)

    @torch.no_grad()
    def run(steps):
        h, note = state["h"], state["note"]
        for _ in range(steps):
            x.zero_()
            x[0, 0, note] = 1.0
            logits, h = model(x, h)
            if sample:
                note = int(torch.multinomial(F.softmax(logits[0, 0], dim=0), 1))
            else:
                note = int(torch.argmax(logits[0, 0]))
        state["h"], state["note"] = h, note

    times = harness.time_steps(run, s["generation_steps"], args.repeats)
    return "us/step", times, s["flops_per_step"]


if args.workload == "book":
    unit, values, flops = book()
elif args.workload == "autoencoder":
    unit, values, flops = autoencoder()
elif args.workload in ("rnn", "lstm"):
    unit, values, flops = rnn(args.workload)
elif args.workload.startswith("lstm_"):
    unit, values, flops = generate(args.workload.endswith("_sample"), "lstm")
else:
    unit, values, flops = generate(args.workload == "generate_sample")
harness.report("pytorch", args, unit, values, flops, torch.get_num_threads())
