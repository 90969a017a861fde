#!/usr/bin/env python3
"""Write the NIR fixture that NirImportTest imports, and the spikes NIR's equations give on it.

    /usr/bin/python3 benchmarks/peers/nir_fixture.py tests/fixtures/interop/recurrent.nir

Writes FILE (HDF5 in the layout of nir.serialization.write, by h5py, without the nir package) and FILE's name with
`_run.npz` (the inputs of each step and the expected output spikes). The graph:

    input (Input, 4) -> fc1 (Affine 6x4) -> cuba (CubaLIF, 6) -> fc2 (Affine 3x6) -> lif (LIF, 3) -> output
                        cuba -> rec (Affine 6x6) -> cuba      (recurrent: rec reads cuba's spikes of the step before)
                        input -> scale (Scale, 4) -> thr (Threshold, 4) -> spikes (Output)

with per-neuron time constants that differ (so that the importer writes them as parameters) and seeded weights.
The expected spikes come from this script's own numpy simulation of NIR's equations, stepped by forward Euler at dt
(as NIR's reference implementations do): LIF  v += dt / tau (v_leak - v + r x);  CubaLIF  I += dt / tau_syn
(-I + w_in x) with the membrane reading the current before that update; a neuron spikes where v > v_threshold and
is set to v_reset; Threshold is x > threshold. v starts at v_leak and I at 0 (NIR stores no initial state; these are
the importer's, documented in docs/interop.md). Values are float32, as the imported module computes them.
"""
import sys

import h5py
import numpy as np

DT = 1e-3
STEPS = 300


def graph(rng):
    f32 = np.float32
    nodes = {
        "input": {"type": "Input", "shape": np.array([4], dtype=np.int64)},
        "fc1": {"type": "Affine", "weight": rng.uniform(0, 2.5, (6, 4)).astype(f32), "bias": rng.uniform(0, 0.2, 6).astype(f32)},
        "cuba": {"type": "CubaLIF", "tau_syn": rng.uniform(4e-3, 8e-3, 6).astype(f32), "tau_mem": rng.uniform(1e-2, 3e-2, 6).astype(f32),
                 "r": np.full(6, 1.0, f32), "v_leak": np.zeros(6, f32), "v_threshold": np.full(6, 1.0, f32),
                 "v_reset": np.zeros(6, f32), "w_in": np.full(6, 1.0, f32)},
        "rec": {"type": "Affine", "weight": rng.uniform(-1.0, 1.5, (6, 6)).astype(f32), "bias": np.zeros(6, f32)},
        "fc2": {"type": "Affine", "weight": rng.uniform(0, 3.0, (3, 6)).astype(f32), "bias": np.zeros(3, f32)},
        "lif": {"type": "LIF", "tau": np.full(3, 5e-3, f32), "r": np.full(3, 2.0, f32), "v_leak": np.zeros(3, f32),
                "v_threshold": np.full(3, 0.5, f32), "v_reset": np.zeros(3, f32)},
        "output": {"type": "Output", "shape": np.array([3], dtype=np.int64)},
        "scale": {"type": "Scale", "scale": np.array([1.0, 2.0, 0.5, 1.5], f32)},
        "thr": {"type": "Threshold", "threshold": np.full(4, 0.8, f32)},
        "spikes": {"type": "Output", "shape": np.array([4], dtype=np.int64)},
    }
    edges = [["input", "fc1"], ["fc1", "cuba"], ["cuba", "fc2"], ["fc2", "lif"], ["lif", "output"],
             ["cuba", "rec"], ["rec", "cuba"], ["input", "scale"], ["scale", "thr"], ["thr", "spikes"]]
    return nodes, edges


def write(path, nodes, edges):
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data="1.0.0")
        node = f.create_group("node")
        node.create_dataset("type", data="NIRGraph")
        ns = node.create_group("nodes")
        for name, n in nodes.items():
            g = ns.create_group(name)
            for k, v in n.items():
                g.create_dataset(k, data=v)
        node.create_dataset("edges", data=np.array(edges, dtype=h5py.string_dtype()))
        node.create_group("metadata").create_dataset("dt", data=DT)


def simulate(nodes, inputs):
    f32 = np.float32
    dt = f32(DT)
    p = {k: {a: b for a, b in n.items() if a != "type"} for k, n in nodes.items()}
    c, l = p["cuba"], p["lif"]
    I = np.zeros(6, f32)
    vc = c["v_leak"].copy()
    vl = l["v_leak"].copy()
    prev = np.zeros(6, f32)                      # cuba's spikes a step ago, for the recurrent edge
    out, thr = [], []
    for x in inputs:
        a1 = p["fc1"]["weight"] @ x + p["fc1"]["bias"]
        rec = p["rec"]["weight"] @ prev + p["rec"]["bias"]
        drive = a1 + rec
        u = vc + (-(vc - c["v_leak"]) + c["r"] * I) / c["tau_mem"] * dt
        zc = u > c["v_threshold"]
        vc = np.where(zc, c["v_reset"], u).astype(f32)
        I = (I + dt / c["tau_syn"] * (-I + c["w_in"] * drive)).astype(f32)
        a2 = p["fc2"]["weight"] @ zc.astype(f32) + p["fc2"]["bias"]
        ul = vl + (-(vl - l["v_leak"]) + l["r"] * a2) / l["tau"] * dt
        zl = ul > l["v_threshold"]
        vl = np.where(zl, l["v_reset"], ul).astype(f32)
        prev = zc.astype(f32)
        out.append(zl)
        thr.append(p["scale"]["scale"] * x > p["thr"]["threshold"])
    return np.array(out), np.array(thr)


def main(argv):
    if len(argv) != 2 or not argv[1].endswith(".nir"):
        print("usage: nir_fixture.py OUT.nir", file=sys.stderr)
        return 2
    rng = np.random.default_rng(18)
    nodes, edges = graph(rng)
    inputs = (rng.random((STEPS, 4)) < 0.3).astype(np.float32) * rng.uniform(0.5, 1.0, (STEPS, 4)).astype(np.float32)
    out, thr = simulate(nodes, inputs)
    write(argv[1], nodes, edges)
    np.savez(argv[1][:-4] + "_run.npz", input=inputs, output=out, spikes=thr)
    print(f"wrote {argv[1]}: {len(nodes)} nodes, {len(edges)} edges; {STEPS} steps, "
          f"{int(out.sum())} output spikes, cuba -> lif {out.sum(axis=0).tolist()}, threshold {int(thr.sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
