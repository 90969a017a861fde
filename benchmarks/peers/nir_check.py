#!/usr/bin/env python3
"""Check a NIR file ncdc export wrote: its graph and parameters, and what it computes.

    /usr/bin/python3 benchmarks/peers/nir_check.py FILE.nir EXPECTED.json

Reads FILE.nir with h5py in NIR's layout (nir.serialization: `version`, `node/type` = NIRGraph, `node/nodes/NAME/...`,
`node/edges`), and compares with EXPECTED.json, which the test writes from what it knows independently of the
exporter (the stdlib neuron's constants, the drawn weights):

    {"nodes": {NAME: {"type": T, "params": {P: number or nested list}}}, "edges": [[SRC, DST], ...], "dt": DT,
     "inputs": [[...] per step], "spikes": [[0 or 1, ...] per step]}

Parameters must agree within 1e-6 relative. Then it runs the graph as NIR's reference implementations do (forward
Euler at dt; CubaLIF's membrane reads the synaptic current before its update; a neuron spikes where v > v_threshold
and is set to v_reset; a node takes the sum of its incoming edges, an edge back into a cycle the previous step's
value), from v = v_leak and I = 0 (ncd's initial state; NIR stores none), on the inputs, and
compares the spikes step by step with the ones ncd's interpreter produced. Exit status 0 when all agree.
"""
import json
import sys

import h5py
import numpy as np


def read(path):
    with h5py.File(path, "r") as f:
        version = f["version"][()]
        g = f["node"]
        assert g["type"][()] == b"NIRGraph", g["type"][()]
        nodes = {}
        for name, n in g["nodes"].items():
            nodes[name] = {"type": n["type"][()].decode(), "params": {k: np.asarray(v[()]) for k, v in n.items() if k != "type"}}
        edges = [[a.decode(), b.decode()] for a, b in g["edges"][()]]
        return version, nodes, edges


def simulate(nodes, edges, dt, inputs):
    """Steps the graph: nodes in the order of a depth-first walk from `input`, each fed the sum of its incoming edges;
    an edge that closes a cycle (back to a node the walk is still inside) carries its source's output of the step
    before (0 at the start), as NIR simulators run a recurrent connection."""
    succ, preds = {}, {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
        preds.setdefault(b, []).append(a)
    order, back, colour = [], set(), {}

    def walk(n):
        colour[n] = 1
        for m in succ.get(n, []):
            if m not in colour:
                walk(m)
            elif colour[m] == 1:
                back.add((n, m))
        colour[n] = 2
        order.append(n)

    walk("input")
    order.reverse()
    state = {}
    for name in order:
        n = nodes[name]
        if n["type"] in ("LIF", "CubaLIF"):
            state[name] = {"v": n["params"]["v_leak"].astype(np.float64).copy(), "I": np.zeros_like(n["params"]["v_leak"], dtype=np.float64)}
    prev = {name: 0.0 for name in order}
    out = []
    for x in inputs:
        now = {"input": np.asarray(x, dtype=np.float64)}
        for name in order[1:]:
            n, p = nodes[name], nodes[name]["params"]
            x = sum(prev[q] if (q, name) in back else now[q] for q in preds[name])
            if n["type"] == "Linear":
                x = p["weight"].astype(np.float64) @ x
            elif n["type"] == "LIF":
                s = state[name]
                v = s["v"] + dt / p["tau"] * (p["v_leak"] - s["v"] + p["r"] * x)
                z = v > p["v_threshold"]
                s["v"] = np.where(z, p["v_reset"], v)
                x = z.astype(np.float64)
            elif n["type"] == "CubaLIF":
                s = state[name]
                i_last = s["I"]
                s["I"] = i_last + dt / p["tau_syn"] * (-i_last + p["w_in"] * x)
                v = s["v"] + dt / p["tau_mem"] * (p["v_leak"] - s["v"] + p["r"] * i_last)
                z = v > p["v_threshold"]
                s["v"] = np.where(z, p["v_reset"], v)
                x = z.astype(np.float64)
            elif n["type"] == "Output":
                pass
            else:
                raise ValueError(f"node type {n['type']} is not simulated here")
            now[name] = x
        prev = now
        out.append(now["output"].astype(int).tolist())
    return out


def main(argv):
    if len(argv) != 3:
        print("usage: nir_check.py FILE.nir EXPECTED.json", file=sys.stderr)
        return 2
    version, nodes, edges = read(argv[1])
    want = json.load(open(argv[2]))
    bad = []
    if edges != want["edges"]:
        bad.append(f"edges {edges}, expected {want['edges']}")
    if sorted(nodes) != sorted(want["nodes"]):
        bad.append(f"nodes {sorted(nodes)}, expected {sorted(want['nodes'])}")
    for name, w in want["nodes"].items():
        n = nodes.get(name)
        if n is None:
            continue
        if n["type"] != w["type"]:
            bad.append(f"{name}: type {n['type']}, expected {w['type']}")
        if sorted(n["params"]) != sorted(w["params"]):
            bad.append(f"{name}: parameters {sorted(n['params'])}, expected {sorted(w['params'])}")
        for k, v in w["params"].items():
            got = n["params"].get(k)
            if got is None or got.shape != np.shape(v) or not np.allclose(got, v, rtol=1e-6, atol=0):
                bad.append(f"{name}.{k}: {got}, expected {np.asarray(v)}")
    if not bad:
        spikes = simulate(nodes, edges, want["dt"], want["inputs"])
        for t, (got, exp) in enumerate(zip(spikes, want["spikes"])):
            if got != exp:
                bad.append(f"step {t}: spikes {got}, ncd's interpreter {exp}")
                break
        total = sum(map(sum, want["spikes"]))
        print(f"{len(spikes)} steps simulated, {total} spikes in ncd's interpreter")
    for b in bad:
        print(b)
    print(f"NIR {version.decode()}: {len(nodes)} nodes, {len(edges)} edges: {'ok' if not bad else 'DIFFERS'}")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
