#!/usr/bin/python3
"""Writes a PyTorch model's state_dict as JSON, the document bachprop's importer reads
(include/bachprop/io/torch_state_dict.hpp: load_torch_state_dict), and reads such a document
back into tensors.

    /usr/bin/python3 scripts/export_torch_state_dict.py MODEL.pt OUT.json

MODEL.pt is what torch.save wrote: a state_dict (torch.save(model.state_dict(), ...), the usual
way), a checkpoint dictionary holding one under "state_dict" or "model_state_dict", or a whole
module (torch.save(model, ...): its class must be importable). From Python:

    from export_torch_state_dict import write_state_dict, state_dict_from_json
    write_state_dict(model, "model.json")          # a module or a state_dict
    model.load_state_dict(state_dict_from_json(json.load(open("model.json"))))

The document, one entry per tensor in the state_dict's order:

    {"format": "torch-state-dict", "version": 1,
     "tensors": {"rnn.weight_ih_l0": {"dtype": "float32", "shape": [20, 3],
                                      "data": [0.125, -0.5, ...]}, ...}}

"data" is the tensor flattened in row-major (C) order. Each float is written as Python's repr
of its exact value, so a float32 or float64 tensor reads back bit for bit. Integer tensors (a
BatchNorm's num_batches_tracked) are written as integers. A tensor holding NaN or infinity is
refused: JSON has no spelling for them.
"""
import collections.abc
import json
import math
import pickle
import sys

import torch

FORMAT = "torch-state-dict"
VERSION = 1


def _state_dict(obj):
    """The state_dict of a module, a state_dict, or a checkpoint dictionary holding one."""
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, collections.abc.Mapping):
        if all(isinstance(value, torch.Tensor) for value in obj.values()):
            return obj
        for key in ("state_dict", "model_state_dict", "model"):
            if key in obj:
                return _state_dict(obj[key])
    raise ValueError("expected a torch module, a state_dict (names to tensors) or a checkpoint "
                     "holding one under 'state_dict' or 'model_state_dict', got "
                     + type(obj).__name__)


def state_dict_to_json(obj):
    """The document for a module or a state_dict, as a dictionary ready for json.dump."""
    tensors = {}
    for name, tensor in _state_dict(obj).items():
        tensor = tensor.detach().cpu()
        if tensor.is_floating_point():
            data = tensor.double().reshape(-1).tolist()  # float32 -> float64 is exact
            bad = [i for i, value in enumerate(data) if not math.isfinite(value)]
            if bad:
                raise ValueError(f"{name}: entry {bad[0]} (flat, row-major) is {data[bad[0]]}; "
                                 "JSON cannot hold it (a diverged model?)")
        elif tensor.is_complex():
            raise ValueError(f"{name}: complex tensors are not supported")
        else:
            data = tensor.long().reshape(-1).tolist()
        tensors[name] = {"dtype": str(tensor.dtype).replace("torch.", ""),
                         "shape": list(tensor.shape), "data": data}
    return {"format": FORMAT, "version": VERSION, "tensors": tensors}


def write_state_dict(obj, path):
    """Writes the document for a module or a state_dict to `path`."""
    document = state_dict_to_json(obj)
    with open(path, "w", encoding="utf-8") as out:
        # allow_nan=False: a non-finite float is an error, never the invalid JSON token NaN.
        json.dump(document, out, allow_nan=False, separators=(",", ":"))
        out.write("\n")


def state_dict_from_json(document):
    """The tensors of a document (as json.load gives it), for a module's load_state_dict."""
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ValueError(f"not a {FORMAT} document of version {VERSION}")
    state = collections.OrderedDict()
    for name, entry in document["tensors"].items():
        dtype = getattr(torch, entry.get("dtype", "float32"))
        state[name] = torch.tensor(entry["data"], dtype=dtype).reshape(entry["shape"])
    return state


def main(argv):
    if len(argv) != 3:
        print("usage: export_torch_state_dict.py MODEL.pt OUT.json", file=sys.stderr)
        return 2
    try:
        write_state_dict(torch.load(argv[1], map_location="cpu"), argv[2])
    except (OSError, ValueError, RuntimeError, pickle.UnpicklingError) as error:
        print(f"export_torch_state_dict.py: {argv[1]}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
