#!/usr/bin/env python3
"""Cross-check xhs-roi attribution against ChannelAttribution 2.2.5 (PyPI).

Generates seeded journeys of its own, writes them as a paths CSV in the
ChannelAttribution layout, and compares:

1. first touch, last touch, linear (conversions and value): ChannelAttribution
   `heuristic_models` against `xhs-roi attribute`, to 1e-9 relative;
2. Markov removal effects and credits, orders 1..3: an independent exact
   solve written here with NumPy (ChannelAttribution's state construction,
   dense `numpy.linalg.solve`) against xhs-roi, to 1e-9 relative;
3. Markov order 1 (or the orders given): ChannelAttribution `markov_model`,
   which estimates the same quantities by simulation, against the exact
   values, within simulation noise. ChannelAttribution returns the estimate
   of one fold of nsim/nfold simulated paths; the standard error of that
   estimate is computed exactly from the chain (delta method for the ratio
   estimators, pairwise visit probabilities by inclusion-exclusion), and a
   channel fails when it is more than 5 standard errors off. 5 sigma keeps
   the false-alarm rate below 1e-4 over all channels, quantities and runs,
   while a wrong definition is caught (splitting value by the conversion
   removal effects instead of the value ones moves JD's value credit by 9
   standard errors on the default data). max_step is raised to 1000 so ChannelAttribution's
   truncation of long simulated paths (by default at the longest observed
   path) does not bias it.

Run through scripts/crosscheck-channelattribution.sh, which makes the venv.
The xhs-roi side is $XHS_ROI_BIN, else target/release/xhs-roi if it has the
`attribute` subcommand, else the engine example `attribute_paths`.
Exit status 1 on any disagreement.
"""

import argparse
import contextlib
import io
import math
import os
import random
import re
import subprocess
import sys
import time
from collections import defaultdict

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHANNELS = [
    "xhs_note", "xhs_search", "kol_note", "juguang_ads", "wechat", "tmall",
    "jd", "douyin", "offline_store", "direct", "weibo", "bilibili",
]


# ----------------------------------------------------------------- journeys

def generate(n_journeys, seed, p_continue=0.62):
    """Individual journeys with structure: a sticky channel process, a
    conversion chance that depends on the channels seen, and values that
    depend on where the journey ends. A journey gains another touch with
    probability p_continue (at most 10). Returns aggregated paths rows."""
    rng = random.Random(seed)
    first_w = [8, 5, 5, 4, 4, 3, 2, 3, 1, 2, 2, 2]
    lift = {"xhs_note": 0.5, "xhs_search": 0.8, "kol_note": 0.6, "juguang_ads": 0.3,
            "tmall": 0.9, "jd": 0.7, "offline_store": 1.0, "direct": 0.4}
    prices = [39.0, 79.0, 129.0, 199.0, 299.0]
    agg = defaultdict(lambda: [0, 0, 0.0])  # path -> conversions, nulls, value
    for _ in range(n_journeys):
        length = 1
        while length < 10 and rng.random() < p_continue:
            length += 1
        path = [rng.choices(range(12), weights=first_w)[0]]
        for _ in range(length - 1):
            if rng.random() < 0.3:
                path.append(path[-1])  # repeats, merged by the Markov states
            else:
                path.append(rng.randrange(12))
        names = [CHANNELS[i] for i in path]
        score = -3.6 + 0.15 * len(names) + sum(lift.get(c, 0.0) for c in set(names))
        p = 1.0 / (1.0 + math.exp(-score))
        key = " > ".join(names)
        if rng.random() < p:
            base = rng.choice(prices)
            if names[-1] in ("tmall", "jd", "offline_store"):
                base *= 1.5
            agg[key][0] += 1
            agg[key][2] += round(base * (0.8 + 0.4 * rng.random()), 2)
        else:
            agg[key][1] += 1
    rows = [(k, v[0], round(v[2], 2), v[1]) for k, v in agg.items()]
    rows.sort()
    return rows


def write_paths(rows, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("path,total_conversions,total_conversion_value,total_null\n")
        for p, c, v, n in rows:
            f.write(f"{p},{c},{v!r},{n}\n")


# ----------------------------------------------- exact Markov, independently

class Chain:
    """ChannelAttribution's order-k chain: windows of k channels (a shorter
    path is one state), repeats merged, start/conversion/null."""

    def __init__(self, rows, order):
        self.order = order
        self.index = {}
        self.states = []
        counts = defaultdict(float)
        conv_val = defaultdict(float)  # per state: sum of value
        conv_cnt = defaultdict(float)
        second = defaultdict(float)  # per state: sum c * (v/c)^2
        start = defaultdict(float)
        for path, c, v, n in rows:
            chans = [s.strip() for s in path.split(">") if s.strip()]
            if len(chans) <= order:
                windows = [tuple(chans)]
            else:
                windows = [tuple(chans[i:i + order]) for i in range(len(chans) - order + 1)]
            seq = []
            for w in windows:
                if not seq or seq[-1] != w:
                    seq.append(w)
            ids = [self._id(w) for w in seq]
            w = c + n
            if w <= 0:
                continue
            start[ids[0]] += w
            for a, b in zip(ids, ids[1:]):
                counts[(a, b)] += w
            last = ids[-1]
            if c > 0:
                counts[(last, "conv")] += c
            if n > 0:
                counts[(last, "null")] += n
            if c > 0:
                conv_val[last] += v
                conv_cnt[last] += c
                second[last] += c * (v / c) ** 2
        m = len(self.states) + 1  # 0 = start
        self.m = m
        self.Q = np.zeros((m, m))
        self.b = np.zeros(m)   # one-step conversion probability
        self.bv = np.zeros(m)  # one-step expected value
        self.b2 = np.zeros(m)  # one-step E[value^2]
        out = defaultdict(float)
        for (a, _), x in counts.items():
            out[a] += x
        total_start = sum(start.values())
        for s, x in start.items():
            self.Q[0, s] = x / total_start
        for (a, b), x in counts.items():
            if b == "conv":
                self.b[a] = x / out[a]
                mean = conv_val[a] / conv_cnt[a]
                self.bv[a] = self.b[a] * mean
                self.b2[a] = self.b[a] * second[a] / conv_cnt[a]
            elif b != "null":
                self.Q[a, b] += x / out[a]
        self.channels = sorted({c for w in self.states for c in w})
        self.members = [set()] + [set(w) for w in self.states]

    def _id(self, window):
        if window not in self.index:
            self.states.append(window)
            self.index[window] = len(self.states)
        return self.index[window]

    def absorb(self, removed, rhs):
        """Solutions x = Qx + rhs (columns) with states holding a removed
        channel forced to 0; returns row `start`."""
        keep = [i for i in range(self.m) if not (self.members[i] & removed)]
        A = np.eye(len(keep)) - self.Q[np.ix_(keep, keep)]
        x = np.linalg.solve(A, rhs[keep])
        return x[0]

    def exact(self):
        rhs = np.column_stack([self.b, self.bv])
        p, e = self.absorb(set(), rhs)
        re_c, re_v = {}, {}
        for c in self.channels:
            pc, ec = self.absorb({c}, rhs)
            re_c[c] = 1.0 - pc / p
            re_v[c] = 1.0 - ec / e
        return p, e, re_c, re_v

    def fold_sigma(self, total_conv, total_value, sims):
        """Standard errors of ChannelAttribution's one-fold estimates (credits
        and removal effects) with `sims` simulated paths. Per simulated path:
        Z = converts, X_c = Z * visits c, val = value drawn at conversion."""
        chans = self.channels
        k = len(chans)
        # A(R)[s] = P(convert with last state s, never visiting R) and the
        # same weighted by E[val | s] and E[val^2 | s].
        diag = np.column_stack([np.diag(self.b), np.diag(self.bv), np.diag(self.b2)])
        m = self.m

        def A(removed):
            x = self.absorb(removed, diag)
            return x[:m], x[m:2 * m], x[2 * m:]

        none = A(set())
        single = {c: A({c}) for c in chans}
        # p[c][d] = P(conv and visits c and d) (and the val, val^2 weighted)
        P1 = np.zeros((k, k))
        Pv = np.zeros((k, k))
        P2 = np.zeros((k, k))
        for i, c in enumerate(chans):
            for j, d in enumerate(chans):
                if j < i:
                    continue
                if i == j:
                    parts = [a - b for a, b in zip(none, single[c])]
                else:
                    pair = A({c, d})
                    parts = [a - b - cc + dd for a, b, cc, dd in zip(none, single[c], single[d], pair)]
                P1[i, j] = P1[j, i] = parts[0].sum()
                Pv[i, j] = Pv[j, i] = parts[1].sum()
                P2[i, j] = P2[j, i] = parts[2].sum()
        p_conv = none[0].sum()
        ev_conv = none[1].sum()
        e2_conv = none[2].sum()
        p = np.diag(P1)
        pv = np.diag(Pv)
        q = np.diag(P2)
        EY, EvY = p.sum(), pv.sum()
        sig = {}
        for i, c in enumerate(chans):
            r = p[i] / EY
            var = p[i] - 2 * r * P1[i].sum() + r * r * P1.sum()
            s_conv = total_conv * math.sqrt(max(var, 0.0) / sims) / EY
            rv = pv[i] / EvY
            varv = q[i] - 2 * rv * P2[i].sum() + rv * rv * P2.sum()
            s_val = total_value * math.sqrt(max(varv, 0.0) / sims) / EvY
            re = p[i] / p_conv
            s_re = math.sqrt(re * (1 - re) / (sims * p_conv))
            rev = pv[i] / ev_conv
            var_rev = q[i] - 2 * rev * q[i] + rev * rev * e2_conv
            s_rev = math.sqrt(max(var_rev, 0.0) / sims) / ev_conv
            sig[c] = (s_conv, s_val, s_re, s_rev)
        return sig


# ------------------------------------------------------------------ xhs-roi

def xhs_command():
    env = os.environ.get("XHS_ROI_BIN")
    if env:
        return [env, "attribute", "--format", "csv"], "XHS_ROI_BIN"
    binary = os.path.join(ROOT, "target", "release", "xhs-roi")
    if os.path.exists(binary):
        ok = subprocess.run([binary, "attribute", "--help"], capture_output=True).returncode == 0
        if ok:
            return [binary, "attribute", "--format", "csv"], binary
    subprocess.run(
        ["cargo", "build", "-q", "--release", "-p", "xhs-roi-engine", "--example", "attribute_paths"],
        cwd=ROOT, check=True,
    )
    example = os.path.join(ROOT, "target", "release", "examples", "attribute_paths")
    return [example], "engine example attribute_paths"


def run_xhs(cmd, csv_path, extra):
    args = cmd + (["--paths", csv_path] if cmd[-2:] == ["--format", "csv"] else [csv_path]) + extra
    t0 = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        sys.exit(f"xhs-roi failed: {out.stderr.strip()}")
    table = {}
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("model,channel,conversions,value"), lines[0]
    for line in lines[1:]:
        model, channel, conv, value = line.split(",")[:4]
        table[(model, channel)] = (float(conv), float(value))
    return table, elapsed


# ------------------------------------------------------------------- checks

failures = []


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-12


def check_heuristics(ours, data):
    import ChannelAttribution as ca
    with contextlib.redirect_stdout(io.StringIO()):
        h = ca.heuristic_models(data, "path", "total_conversions",
                                var_value="total_conversion_value", flg_pro=False)
    worst = 0.0
    for _, row in h.iterrows():
        ch = row["channel_name"]
        for ours_name, theirs in (("first_touch", "first_touch"), ("last_touch", "last_touch"),
                                  ("linear", "linear_touch")):
            c, v = ours[(ours_name, ch)]
            for mine, ref, what in ((c, row[f"{theirs}_conversions"], "conversions"),
                                    (v, row[f"{theirs}_value"], "value")):
                d = abs(mine - ref) / max(abs(ref), 1e-300) if ref else abs(mine)
                worst = max(worst, d)
                if not close(mine, ref):
                    failures.append(f"{ours_name} {what} {ch}: xhs-roi {mine!r} vs ChannelAttribution {ref!r}")
    print(f"heuristics (first/last/linear, conversions and value, {len(h)} channels): "
          f"max relative difference {worst:.2e} (tolerance 1e-9)")


def check_exact(ours, rows, order, totals):
    chain = Chain(rows, order)
    p, e, re_c, re_v = chain.exact()
    sc, sv = sum(re_c.values()), sum(re_v.values())
    worst = 0.0
    for c in chain.channels:
        want = (totals[0] * re_c[c] / sc, totals[1] * re_v[c] / sv, re_c[c], re_v[c])
        got = ours[("markov", c)] + ours[("markov_removal_effect", c)]
        for g, w, what in zip(got, want, ("conversions", "value", "removal effect", "value removal effect")):
            worst = max(worst, abs(g - w) / max(abs(w), 1e-300))
            if not close(g, w):
                failures.append(f"markov order {order} {what} {c}: xhs-roi {g!r} vs numpy exact {w!r}")
    print(f"markov order {order}: {chain.m - 1} states, P(conversion) {p:.6f}; xhs-roi vs independent "
          f"numpy exact solve: max relative difference {worst:.2e} (tolerance 1e-9)")
    return chain, (p, e, re_c, re_v)


def check_simulation(ours, data, chain, exact, order, totals, nsim, runs):
    import ChannelAttribution as ca
    rows = []
    z_max = 0.0
    timings = []
    # ChannelAttribution seeds fold f of a run with seed + f (f < nfold = 10):
    # seeds 100 apart keep the runs independent.
    for seed in range(100, 100 * runs + 1, 100):
        buf = io.StringIO()
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(buf):
            r = ca.markov_model(data, "path", "total_conversions", var_value="total_conversion_value",
                                var_null="total_null", order=order, nsim_start=nsim, max_step=1000,
                                out_more=True, seed=seed, verbose=True, flg_pro=False)
        timings.append(time.perf_counter() - t0)
        sims = [int(x) for x in re.findall(r"Number of simulations: (\d+)", buf.getvalue())]
        used = (sims[-1] if sims else nsim) // 10  # one fold of nfold = 10
        sigma = chain.fold_sigma(totals[0], totals[1], used)
        res = r["result"].set_index("channel_name")
        rem = r["removal_effects"].set_index("channel_name")
        for c in chain.channels:
            # xhs-roi's exact numbers (equal to the NumPy solve, checked above).
            want = ours[("markov", c)] + ours[("markov_removal_effect", c)]
            got = (res.loc[c, "total_conversions"], res.loc[c, "total_conversion_value"],
                   rem.loc[c, "removal_effects_conversion"], rem.loc[c, "removal_effects_conversion_value"])
            zs = [(g - w) / s for g, w, s in zip(got, want, sigma[c])]
            z_max = max(z_max, max(abs(z) for z in zs))
            rows.append((seed, c, want, got, sigma[c], zs))
            for z, what in zip(zs, ("conversions", "value", "removal effect", "value removal effect")):
                if abs(z) > 5:
                    failures.append(f"markov order {order} seed {seed} {what} {c}: "
                                    f"ChannelAttribution {dict(zip(('c','v','re','rev'), got))} is {z:+.1f} sigma off")
    print(f"markov order {order}, xhs-roi vs ChannelAttribution markov_model ({runs} seeds, nsim_start {nsim}, "
          f"{used} simulated paths in the returned fold): max |z| = {z_max:.2f} (tolerance 5)")
    print(f"  {'channel':<14}{'xhs-roi':>12}{'CA':>12}{'sigma':>9}{'xhs value':>13}{'CA value':>12}"
          f"{'sigma':>9}{'xhs RE':>10}{'CA RE':>9}")
    for seed, c, want, got, sig, zs in rows:
        if seed != 100:
            continue
        print(f"  {c:<14}{want[0]:>12.3f}{got[0]:>12.3f}{sig[0]:>9.3f}{want[1]:>13.1f}{got[1]:>12.1f}"
              f"{sig[1]:>9.1f}{want[2]:>10.4f}{got[2]:>9.4f}")
    # Empirical spread across seeds against the analytic standard error.
    if runs >= 3:
        ratios = []
        for c in chain.channels:
            vals = [g[0] for s, ch, w, g, sg, z in rows if ch == c]
            sig = [sg[0] for s, ch, w, g, sg, z in rows if ch == c][0]
            ratios.append(np.std(vals, ddof=1) / sig)
        print(f"  spread of CA credits across seeds / analytic sigma: median {np.median(ratios):.2f} "
              f"(below 1: CA returns the fold closest to the median of its 10 folds)")
    return timings


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--journeys", type=int, default=50_000, help="individual journeys to generate")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--nsim", type=int, default=2_000_000, help="ChannelAttribution nsim_start")
    ap.add_argument("--runs", type=int, default=3, help="ChannelAttribution seeds")
    ap.add_argument("--orders", default="1,2,3", help="Markov orders checked against the exact solve")
    ap.add_argument("--sim-orders", default="1", help="Markov orders checked against ChannelAttribution")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-data", "crosscheck"))
    args = ap.parse_args()

    with contextlib.redirect_stdout(io.StringIO()):  # its banner
        import ChannelAttribution
    version = getattr(ChannelAttribution, "__version__", None)
    if version is None:
        from importlib.metadata import version as v
        version = v("ChannelAttribution")
    os.makedirs(args.out, exist_ok=True)
    rows = generate(args.journeys, args.seed)
    csv_path = os.path.join(args.out, f"paths-{args.journeys}-{args.seed}.csv")
    write_paths(rows, csv_path)
    totals = (float(sum(r[1] for r in rows)), sum(r[2] for r in rows))
    print(f"ChannelAttribution {version}; {args.journeys} journeys (seed {args.seed}) -> {len(rows)} paths, "
          f"{int(totals[0])} conversions, value {totals[1]:.2f}, {sum(r[3] for r in rows)} nulls; {csv_path}")
    cmd, which = xhs_command()
    print(f"xhs-roi: {which}")

    data = pd.read_csv(csv_path)
    ours, t_ours = run_xhs(cmd, csv_path, ["--removal-effects"])
    check_heuristics(ours, data)
    chains = {}
    for order in [int(o) for o in args.orders.split(",") if o]:
        res = ours if order == 1 else run_xhs(cmd, csv_path, ["--models", "markov", "--markov-order",
                                                              str(order), "--removal-effects"])[0]
        chains[order] = (res,) + check_exact(res, rows, order, totals)
    for order in [int(o) for o in args.sim_orders.split(",") if o]:
        if order not in chains:
            res = run_xhs(cmd, csv_path, ["--models", "markov", "--markov-order", str(order), "--removal-effects"])[0]
            chains[order] = (res,) + check_exact(res, rows, order, totals)
        res, chain, exact = chains[order]
        timings = check_simulation(res, data, chain, exact, order, totals, args.nsim, args.runs)
        print(f"  time: ChannelAttribution markov_model {np.median(timings):.2f} s per run; "
              f"xhs-roi all seven models incl. process start and CSV read {t_ours:.3f} s")

    if failures:
        print(f"\nDISAGREEMENT ({len(failures)}):")
        for f in failures[:50]:
            print("  " + f)
        sys.exit(1)
    print("\nall checks agree")


if __name__ == "__main__":
    main()
