#!/usr/bin/env python3
"""Runs `resnet-spark benchmark` in one or more configurations and the PyTorch peer, alternating
(A B ... peer, A B ... peer, ...) so that every configuration sees the same machine state, and prints
each run as JSON plus a summary: per configuration the median images/s over rounds with min-max, and
the ratio to PyTorch (per-round ratios: median, min-max). The load average at each run is recorded:
on a shared machine it explains most of the spread.

  deploy/bench/alternate.py --rounds 3 --variant own= --variant 'dl4j=RESNET_SPARK_JAVA_OPTS=-Dresnetspark.onednn.helpers=dl4j' \\
      -- --what train --model resnet18 --input 3x32x32 --batch 64 --classes 10

A variant is NAME=ENV..., space-separated VAR=VALUE assignments for the product's launcher (empty: as shipped).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.path.join(HERE, "..", "resnet-spark")
PEER = os.path.join(HERE, "pytorch_peer.py")


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def run(cmd, env):
    t0 = time.time()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not lines:
        sys.stderr.write(p.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    r = json.loads(lines[-1])
    r["wall_s"] = round(time.time() - t0, 1)
    return r


def rates(r):
    """A run's images/s: its one figure, or one per mode for `--what spark` (single, local, cluster)."""
    if "images_per_sec" in r:
        return {"": r["images_per_sec"]}
    return {m: r[m]["images_per_sec"] for m in ("single", "local", "cluster") if isinstance(r.get(m), dict)}


def summary(values):
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--variant", action="append", default=[])
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--log", help="append every run's JSON to this file")
    ap.add_argument("bench", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    bench = [x for x in a.bench if x != "--"]
    if "spark" in bench and not a.no_peer:
        ap.error("--what spark has no PyTorch peer: add --no-peer")
    variants = [(v.split("=", 1)[0], v.split("=", 1)[1] if "=" in v else "") for v in (a.variant or ["product="])]
    peer_args = []
    i = 0
    while i < len(bench):
        # the peer takes the model-shape flags only
        if bench[i] in ("--what", "--model", "--input", "--batch", "--classes", "--warmup", "--iters", "--threads"):
            peer_args += bench[i:i + 2]
            i += 2
        else:
            i += 1
    results = {name: [] for name, _ in variants}
    results["pytorch"] = []
    ratios = {name: [] for name, _ in variants}
    log = open(a.log, "a") if a.log else None
    for rnd in range(1, a.rounds + 1):
        got = {}
        for name, spec in variants:
            env = dict(os.environ)
            for assignment in spec.split():
                k, v = assignment.split("=", 1)
                env[k] = v
            before = load()
            r = run([LAUNCHER, "benchmark"] + bench + ["--json"], env)
            r.update({"variant": name, "round": rnd, "load_before": before, "load_after": load()})
            got[name] = rates(r).get("")
            results[name].append(r)
            print(json.dumps(r), flush=True)
            if log:
                log.write(json.dumps(r) + "\n")
        if not a.no_peer:
            before = load()
            t = run(["/usr/bin/python3", PEER] + peer_args, dict(os.environ))
            t.update({"variant": "pytorch", "round": rnd, "load_before": before, "load_after": load()})
            results["pytorch"].append(t)
            print(json.dumps(t), flush=True)
            if log:
                log.write(json.dumps(t) + "\n")
            for name in got:
                ratios[name].append(got[name] / t["images_per_sec"])
    machine = (results[variants[0][0]] or [{}])[0].get("machine", {})
    out = {"summary": " ".join(bench), "cpu": machine.get("cpu"), "isa": machine.get("isa"),
           "cores": machine.get("cores"), "rounds": a.rounds,
           "load": summary([r["load_before"] for v in results.values() for r in v])}
    for name, runs in results.items():
        if not runs:
            continue
        entry = {}
        for mode in rates(runs[0]):
            entry["images_per_sec" + ("_" + mode if mode else "")] = summary([rates(r)[mode] for r in runs])
        if "images_per_sec_max" in runs[0]:
            entry["best_iteration_images_per_sec"] = summary([r["images_per_sec_max"] for r in runs])
        if name in ratios and ratios[name]:
            entry["ratio_to_pytorch"] = summary(ratios[name])
        if "onednn" in runs[0]:
            entry["helpers"] = runs[0].get("onednn")
        out[name] = entry
    print(json.dumps(out, indent=1))
    if log:
        log.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
