#!/usr/bin/env python3
"""Attribution speed, in one run on the same generated journeys:

- ChannelAttribution 2.2.5 (Python): `heuristic_models` and `markov_model`
  (order 1, its defaults: simulated, so its figures move with the seed);
- `xhs-roi attribute` natively: every model, and Markov alone (exact);
- the app in headless Chromium: every model in the import worker
  (scripts/bench-attribution-browser.mjs).

The journeys come from the cross-check's generator (12 channels), with
journeys of about 3.5 touches on average, aggregated into the
ChannelAttribution paths layout that all three read. Prints the times and
the ratios. Run through scripts/bench-attribution.sh.
"""

import argparse
import contextlib
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module

crosscheck = import_module("crosscheck-channelattribution")
ROOT = crosscheck.ROOT


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def xhs_timed(binary, csv_path, models, runs):
    """Median wall time and the CLI's own stage timings (seconds)."""
    walls, stages = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(
            [binary, "attribute", "--paths", csv_path, "--models", models, "--timings"],
            capture_output=True, text=True,
        )
        walls.append(time.perf_counter() - t0)
        if out.returncode != 0:
            sys.exit(f"xhs-roi failed: {out.stderr.strip()}")
        m = re.search(r"read ([\d.]+) ms, journeys ([\d.]+) ms, models ([\d.]+) ms", out.stderr)
        stages.append(tuple(float(x) / 1e3 for x in m.groups()))
    i = walls.index(statistics.median(walls)) if runs % 2 else 0
    return statistics.median(walls), tuple(statistics.median(s[k] for s in stages) for k in range(3)), stages[i]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--journeys", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--ca-markov-runs", type=int, default=1, help="ChannelAttribution markov_model runs")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    out_dir = os.path.join(ROOT, "bench-data")
    os.makedirs(out_dir, exist_ok=True)
    csv_path = os.path.join(out_dir, f"attribution-{args.journeys}.csv")
    t0 = time.perf_counter()
    rows = crosscheck.generate(args.journeys, args.seed, p_continue=0.715)
    crosscheck.write_paths(rows, csv_path)
    touches = sum((c + n) * len(p.split(" > ")) for p, c, v, n in rows)
    conversions = sum(r[1] for r in rows)
    print(f"{args.journeys:,} journeys, {touches:,} touches, {conversions:,} conversions, "
          f"{len(rows):,} distinct paths, 12 channels ({os.path.getsize(csv_path) / 1e6:.1f} MB paths CSV; "
          f"generated in {time.perf_counter() - t0:.0f} s)")

    import ChannelAttribution as ca
    data = pd.read_csv(csv_path)
    quiet = contextlib.redirect_stdout(io.StringIO())

    def heuristic():
        with contextlib.redirect_stdout(io.StringIO()):
            ca.heuristic_models(data, "path", "total_conversions", var_value="total_conversion_value",
                                flg_pro=False)

    def markov():
        with contextlib.redirect_stdout(io.StringIO()):
            ca.markov_model(data, "path", "total_conversions", var_value="total_conversion_value",
                            var_null="total_null", order=1, flg_pro=False)

    del quiet
    ca_heuristic = median_time(heuristic, args.runs)
    print(f"ChannelAttribution heuristic_models: {ca_heuristic:.3f} s")
    ca_markov = median_time(markov, args.ca_markov_runs)
    print(f"ChannelAttribution markov_model (order 1, simulated): {ca_markov:.3f} s")

    binary = os.path.join(ROOT, "target", "release", "xhs-roi")
    all_wall, all_stages, _ = xhs_timed(binary, csv_path, "all", args.runs)
    print(f"xhs-roi attribute, all 7 models: {all_wall:.3f} s wall (read {all_stages[0]:.3f} s, "
          f"journeys {all_stages[1]:.3f} s, models {all_stages[2]:.3f} s)")
    mk_wall, mk_stages, _ = xhs_timed(binary, csv_path, "markov", args.runs)
    print(f"xhs-roi attribute, Markov order 1 (exact): {mk_wall:.3f} s wall (journeys {mk_stages[1]:.3f} s, "
          f"models {mk_stages[2]:.3f} s)")
    heur_wall, heur_stages, _ = xhs_timed(binary, csv_path, "first_touch,last_touch,linear", args.runs)
    print(f"xhs-roi attribute, first/last/linear: {heur_wall:.3f} s wall (models {heur_stages[2]:.3f} s)")

    browser = None
    if not args.no_browser:
        out = subprocess.run(
            ["node", os.path.join(ROOT, "scripts", "bench-attribution-browser.mjs"), csv_path,
             "--runs", str(args.runs)],
            capture_output=True, text=True, cwd=ROOT,
        )
        if out.returncode != 0:
            sys.exit(f"browser run failed: {out.stderr.strip()}")
        browser = json.loads(out.stdout.strip().splitlines()[-1])
        models_ms = statistics.median(browser["models_ms"])
        markov_browser = statistics.median(browser["markov_ms"]) if browser.get("markov_ms") else None
        if markov_browser is not None:
            print(f"app in Chromium: Markov alone in the worker, journeys kept: {markov_browser:.1f} ms "
                  f"(median of {', '.join(f'{x:.1f}' for x in browser['markov_ms'])} ms)")
        if browser.get("journeys_ms") is not None:
            print(f"app in Chromium: journeys built in the worker right after the import and kept: "
                  f"{browser['journeys_ms']:.0f} ms; first attribution after the import "
                  f"{browser['first_attribution_ms']:.0f} ms")
        print(f"app in Chromium: import {browser['import_ms'] / 1e3:.3f} s; all 7 models in the worker "
              f"{models_ms / 1e3:.3f} s (median of {len(browser['models_ms'])}: "
              f"{', '.join(f'{x:.0f}' for x in browser['models_ms'])} ms); with the automatic bootstrap "
              f"{browser['bootstrap_ms'] / 1e3:.3f} s ({browser['bootstrap_help']})")

    print()
    print("ratios (ChannelAttribution time / xhs-roi time):")
    print(f"  Markov, native models only:        {ca_markov / mk_stages[2]:,.0f}x")
    # ChannelAttribution gets the table in memory and splits the path texts
    # itself: the like-for-like is our splitting plus the model.
    print(f"  Markov, native from the paths in memory (splitting + model, the like-for-like): "
          f"{ca_markov / (mk_stages[1] + mk_stages[2]):,.0f}x")
    print(f"  Markov, native wall incl. reading: {ca_markov / mk_wall:,.0f}x")
    print(f"  heuristics, native wall:           {ca_heuristic / heur_wall:,.1f}x")
    if browser:
        if markov_browser:
            print(f"  Markov, in the browser after the import (the journeys kept): "
                  f"{ca_markov / (markov_browser / 1e3):,.0f}x")
            if browser.get("journeys_ms") is not None:
                print(f"  Markov, in the browser counting the journeys' building too: "
                      f"{ca_markov / ((markov_browser + browser['journeys_ms']) / 1e3):,.0f}x")
        print(f"  Markov, against all 7 models in the browser: {ca_markov / (models_ms / 1e3):,.0f}x")
        print(f"  all 7 models in the browser: {models_ms:.0f} ms (target under 1,000 ms)")
        if browser.get("journeys_ms") is not None:
            print(f"  all 7 models in the browser with the journeys built: "
                  f"{models_ms + browser['journeys_ms']:.0f} ms")


if __name__ == "__main__":
    main()
