#!/usr/bin/env python3
"""Check an ONNX model ncdc export wrote against outputs ncd's reference interpreter computed.

    /usr/bin/python3 benchmarks/peers/onnx_check.py MODEL.onnx INPUTS.npz EXPECTED.npz

Runs onnx.checker.check_model (with shape inference), evaluates the model on INPUTS and compares every output with
EXPECTED within 1e-5 relative (and 1e-6 absolute, for values near 0). Evaluation uses onnx.reference.ReferenceEvaluator
where onnx has it (1.13 and later); Debian 12's python3-onnx is 1.12, so otherwise a small numpy evaluator of the ops
ncdc export emits (the table OPS below) runs the graph: an op outside it is an error, never skipped. Exit status 0 when
everything matches, 1 with the differences printed otherwise.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def _axes(node_attrs, inputs, i):
    if len(inputs) > i and inputs[i] is not None:
        return tuple(int(a) for a in inputs[i])
    return tuple(node_attrs["axes"]) if "axes" in node_attrs else None


def _reduce(fn):
    def run(a, ins):
        return fn(ins[0], axis=_axes(a, ins, 1), keepdims=bool(a.get("keepdims", 1)))
    return run


def _arg(fn):
    def run(a, ins):
        x = ins[0]
        axis = a.get("axis", 0)
        if a.get("select_last_index", 0):
            raise ValueError("select_last_index=1 is not evaluated here")
        r = fn(x, axis=axis)
        return np.expand_dims(r, axis) if a.get("keepdims", 1) else r
    return run


def _slice(a, ins):
    x, starts, ends = ins[0], ins[1], ins[2]
    axes = ins[3] if len(ins) > 3 else range(len(starts))
    idx = [slice(None)] * x.ndim
    for s, e, ax in zip(starts, ends, axes):
        idx[int(ax)] = slice(int(s), int(e))
    return x[tuple(idx)]


ONNX_TO_NP = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}

def _topk(a, i):
    """ONNX TopK, sorted: the k largest (or smallest) along axis; equal values lower index first (a stable sort)."""
    x, k, axis = i[0], int(i[1][0]), a.get("axis", -1)
    key = -x if a.get("largest", 1) else x
    idx = np.take(np.argsort(key, axis=axis, kind="stable"), np.arange(k), axis=axis)
    return np.take_along_axis(x, idx, axis=axis), idx.astype(np.int64)


OPS = {
    "Identity": lambda a, i: i[0],
    "Neg": lambda a, i: -i[0],
    "Abs": lambda a, i: np.abs(i[0]),
    "Sign": lambda a, i: np.sign(i[0]),
    "Exp": lambda a, i: np.exp(i[0]),
    "Log": lambda a, i: np.log(i[0]),
    "Sqrt": lambda a, i: np.sqrt(i[0]),
    "Tanh": lambda a, i: np.tanh(i[0]),
    "Sigmoid": lambda a, i: (1 / (1 + np.exp(-i[0]))).astype(i[0].dtype),
    "Relu": lambda a, i: np.maximum(i[0], 0).astype(i[0].dtype),
    "Sin": lambda a, i: np.sin(i[0]),
    "Cos": lambda a, i: np.cos(i[0]),
    "Floor": lambda a, i: np.floor(i[0]),
    "Ceil": lambda a, i: np.ceil(i[0]),
    "Round": lambda a, i: np.round(i[0]),
    "Not": lambda a, i: np.logical_not(i[0]),
    "Pow": lambda a, i: np.power(i[0], i[1]).astype(i[0].dtype),
    "Add": lambda a, i: i[0] + i[1],
    "Sub": lambda a, i: i[0] - i[1],
    "Mul": lambda a, i: i[0] * i[1],
    "Div": lambda a, i: i[0] / i[1],
    "Mod": lambda a, i: np.fmod(i[0], i[1]) if a.get("fmod", 0) else np.mod(i[0], i[1]),
    "Max": lambda a, i: np.maximum(i[0], i[1]),
    "Min": lambda a, i: np.minimum(i[0], i[1]),
    "Equal": lambda a, i: np.equal(i[0], i[1]),
    "Less": lambda a, i: np.less(i[0], i[1]),
    "LessOrEqual": lambda a, i: np.less_equal(i[0], i[1]),
    "Greater": lambda a, i: np.greater(i[0], i[1]),
    "GreaterOrEqual": lambda a, i: np.greater_equal(i[0], i[1]),
    "And": lambda a, i: np.logical_and(i[0], i[1]),
    "Or": lambda a, i: np.logical_or(i[0], i[1]),
    "Xor": lambda a, i: np.logical_xor(i[0], i[1]),
    "Where": lambda a, i: np.where(i[0], i[1], i[2]),
    "Cast": lambda a, i: i[0].astype(ONNX_TO_NP[a["to"]]),
    "Expand": lambda a, i: i[0] * np.ones(tuple(int(d) for d in i[1]), dtype=i[0].dtype),
    "Transpose": lambda a, i: np.transpose(i[0], a.get("perm")),
    "Unsqueeze": lambda a, i: np.expand_dims(i[0], tuple(sorted(int(x) for x in i[1]))),
    "Reshape": lambda a, i: np.reshape(i[0], tuple(int(d) for d in i[1])),
    "Slice": _slice,
    "Gather": lambda a, i: np.take(i[0], i[1], axis=a.get("axis", 0)),
    "GatherElements": lambda a, i: np.take_along_axis(i[0], i[1].astype(np.int64), axis=a.get("axis", 0)),
    "TopK": _topk,
    "Concat": lambda a, i: np.concatenate(i, axis=a["axis"]),
    "Einsum": lambda a, i: np.einsum(a["equation"].decode() if isinstance(a["equation"], bytes) else a["equation"], *i),
    "ReduceSum": _reduce(np.sum),
    "ReduceMean": _reduce(np.mean),
    "ReduceMax": _reduce(np.max),
    "ReduceMin": _reduce(np.min),
    "ReduceProd": _reduce(np.prod),
    "ArgMax": _arg(np.argmax),
    "ArgMin": _arg(np.argmin),
}


def evaluate_numpy(model, feeds):
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        if node.op_type not in OPS:
            raise ValueError(f"op {node.op_type} is not in this evaluator's table")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        ins = [env[n] if n else None for n in node.input]
        out = OPS[node.op_type](attrs, ins)
        for name, value in zip(node.output, out if isinstance(out, tuple) else (out,)):
            env[name] = np.asarray(value)
    return [env[o.name] for o in model.graph.output]


def evaluate(model, feeds):
    try:
        from onnx.reference import ReferenceEvaluator
    except ImportError:
        return "numpy evaluator (onnx " + onnx.__version__ + " has no onnx.reference)", evaluate_numpy(model, feeds)
    return "onnx.reference.ReferenceEvaluator", ReferenceEvaluator(model).run(None, feeds)


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    model = onnx.load(argv[1])
    onnx.checker.check_model(model, full_check=True)
    inputs = dict(np.load(argv[2]))
    expected = dict(np.load(argv[3]))
    feeds = {i.name: inputs[i.name] for i in model.graph.input}
    how, outs = evaluate(model, feeds)
    bad = 0
    for o, got in zip(model.graph.output, outs):
        want = expected[o.name]
        if got.shape != want.shape:
            print(f"{o.name}: shape {got.shape}, expected {want.shape}")
            bad += 1
            continue
        if want.dtype == np.bool_ or want.dtype.kind == "i":
            ok = np.array_equal(got.astype(want.dtype), want)
            diff = int(np.sum(got.astype(want.dtype) != want))
        else:
            ok = np.allclose(got, want, rtol=1e-5, atol=1e-6)
            diff = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))) if want.size else 0.0
        print(f"{o.name}: {'ok' if ok else 'DIFFERS'} (max difference {diff}, shape {want.shape})")
        bad += 0 if ok else 1
    print(f"checked with onnx.checker and the {how}: {len(outs) - bad} of {len(outs)} outputs match")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
