"""Exploration, not a shipped model: cross-validated comparison of RUL recipes for
cmapss-transformer (see cmapss-exploration.md). Reads only the C-MAPSS *training* files, so no
choice made with it can have seen a test label. 5 folds over engines of FD001 + FD003 together;
each fold's held-out engines are cut at 20 random points (the test protocol: the last window before
the cut, RUL capped at 125); the figure is the RMSE of the last epoch (fixed epoch count, no early
stopping on the fold), averaged over folds.

    /usr/bin/python3 models/training/cmapss_sweep.py PLAN.json --data ../shared/data/cmapss

PLAN.json: {"name": "plan1", "epochs": 20, "configs": [["base", {}], ["win50", {"window": 50,
"patch": 5}], ...]}; keys override BASE below ("ensemble": k averages k seeds; "baseline": k adds each
engine's rows less the mean of its first k cycles as more channels; "age": s gives the head the
engine's age, its cycles so far divided by s, as an operator knows a machine's operating hours;
"subsets": ["FD001"] trains and scores on those training files only; "select": true trains as
train_cmapss_transformer.py does, holding 10 % of the fold's training engines out and keeping the
epoch with the best RMSE on their cuts instead of the last epoch; "distill": k scores a student
trained against the mean of the true RUL and a k-seed teacher's prediction, as the training script
trains its student; "warp": k adds k copies of every training engine resampled in time onto a life
0.8 to 1.25 times as long (with "warp_per_seed": true every seed of an ensemble gets copies of its
own); "folds": [i, ...] runs only those folds (two processes can share the five; every fold's
figures are logged as a JSON line to combine them); "drift": k gives the head the sensors' recent
level less the engine's own mean over its first k cycles; with "relative": true the encoder, too,
sees every row less that early level instead of the raw rows; "countdown": [K, ...] also logs, per
fold, the figures of the RUL at each cut taken from the last K predictions, see countdown(), and
saves every seed's predictions before the cuts; with "countdown_below": [L, ...] counted down only
while the newest prediction is under L; "lagged": L gives the head the sensors' recent level less
their level L cycles earlier, see lagged_level(); "warp_phases": true resamples each copy's life
before its last 125 cycles and those cycles by separate factors, see warped(); "train_cap": C trains
on the RUL capped at C instead of 125, still scored against the RUL capped at 125 with the
predictions clipped there; "level": n sets how many of the last rows make the recent level (10);
"level2": n also gives the head the drift of the last n rows' mean from the early level; "mix": k
adds k blends of every training engine with another of its subset, see mixed()).
Prints the RMSE over all cuts, over the cuts whose true RUL is under the cap, per subset and per band
of true RUL. One CPU
thread; about 10 minutes per config here.
"""
import argparse, json, math, os, sys, time
import numpy as np, torch
from torch import nn
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "models", "training"))
from onnx_export import EncoderLayer

COLUMNS = ["setting1", "setting2", "setting3"] + [f"s{i}" for i in range(1, 22)]
CHANNELS = ["s2","s3","s4","s7","s8","s9","s11","s12","s13","s14","s15","s17","s20","s21"]
CAP = 125.0
SUBSETS = ("FD001", "FD003")

def units(path):
    t = np.loadtxt(path)
    return [t[t[:, 0] == u][:, 2:][:, [COLUMNS.index(c) for c in CHANNELS]] for u in np.unique(t[:, 0])]

class Model(nn.Module):
    def __init__(s, window, patch, dim, heads, hidden, layers, dropout, level, smooth, slope, C, age=False, drift=False, relative=False, lagged=False, level2=0):
        super().__init__()
        s.window, s.patch, s.level, s.smooth, s.slope, s.age, s.drift = window, patch, level, smooth, slope, age, drift
        s.relative, s.level2 = relative, level2
        if age: C -= 1  # the last channel is the age, read from the window's last row only
        C //= 1 + bool(drift) + bool(lagged)  # then as many of the early level and of the lagged one
        s.sensors, s.lagged = C, lagged
        s.embed = nn.Linear(patch * C, dim)
        s.position = nn.Parameter(torch.randn(1, window // patch, dim) * 0.02)
        s.encoder = nn.Sequential(*[EncoderLayer(dim, heads, hidden, dropout) for _ in range(layers)])
        extra = 2 * C + (C if slope else 0) + (1 if age else 0) + (C if drift and not relative else 0) + (C if lagged else 0) + (C if level2 else 0)
        s.head = nn.Sequential(nn.Linear(dim + extra, dim), nn.GELU(), nn.Dropout(dropout), nn.Linear(dim, 1))
        t = torch.arange(window, dtype=torch.float32); t = t - t.mean()
        s.register_buffer("t", (t / (t * t).sum()).reshape(1, window, 1))
    def forward(s, w):
        if s.age:
            age = w[:, -1, -1:]; w = w[:, :, :-1]
        if s.lagged:
            lag = w[:, -1, -s.sensors:]; w = w[:, :, :-s.sensors]
        if s.drift:
            early = w[:, -1, w.shape[2] // 2:]; w = w[:, :, :w.shape[2] // 2]
            if s.relative: w = w - early.unsqueeze(1)  # then "recent" below is the drift itself
        if s.smooth > 0:  # causal exponential smoothing of every channel, row by row
            a = s.smooth; n = w.shape[1]
            acc = w[:, 0]
            rows = [acc]
            for i in range(1, n):
                acc = a * w[:, i] + (1 - a) * acc; rows.append(acc)
            w = torch.stack(rows, 1)
        p = w.reshape(-1, s.window // s.patch, s.patch * w.shape[2])
        tok = s.encoder(s.embed(p) + s.position).mean(1)
        recent = w[:, -s.level:].mean(1); change = recent - w[:, :s.level].mean(1)
        feats = [tok, recent, change]
        if s.slope: feats.append((w * s.t).sum(1) * s.window)
        if s.drift and not s.relative: feats.append(recent - early)
        if s.level2: feats.append(w[:, -s.level2:].mean(1) - early)
        if s.lagged: feats.append(recent - lag)
        if s.age: feats.append(age)
        return s.head(torch.cat(feats, 1)) * CAP

def windows(us, W, cap=CAP):
    xs, ys = [], []
    for u in us:
        if len(u) < W: continue
        v = np.lib.stride_tricks.sliding_window_view(u, (W, u.shape[1]))[:, 0]
        xs.append(v); ys.append(np.minimum(np.arange(len(u) - W, -1, -1), cap))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)

def cuts(us, W, rng, n=20, back=0):
    """n random cuts of every engine, each the last window before it and its true RUL; with back=K
    also the windows before the K-1 earlier cuts the pipeline scored (from the 30th cycle on), as
    K arrays (NaN where the engine was too young), for the countdown."""
    xs, ys, earlier = [], [], [[] for _ in range(max(back, 1))]
    def window(u, c):
        seg = u[max(0, c - W):c]
        return np.concatenate([np.repeat(seg[:1], W - len(seg), 0), seg]) if len(seg) < W else seg
    for u in us:
        for c in rng.integers(31, len(u) + 1, n):
            xs.append(window(u, c)); ys.append(min(len(u) - c, CAP))
            for k in range(back):
                earlier[k].append(window(u, c - k) if c - k >= 30 else np.full_like(xs[-1], np.nan))
    x, y = np.stack(xs).astype(np.float32), np.array(ys, np.float32)
    return (x, y, [np.stack(e).astype(np.float32) for e in earlier]) if back else (x, y)

def countdown(earlier, below=None):
    """The RUL at each cut from its latest predictions (earlier[k]: k cycles before it, NaN where none
    was made), each less the cycles since, averaged. plan24 (below None): none counted down further
    than it sat below the cap. plan25 (below L): plainly counted down while the newest prediction is
    under L, the newest alone at or above it (near the cap, where a healthy engine's predictions sit)."""
    if below is None:
        est = np.stack([p - np.minimum(k, np.maximum(0, CAP - p)) for k, p in enumerate(earlier)])
        return np.clip(np.nanmean(est, 0), 0, CAP)
    counted = np.nanmean(np.stack([p - k for k, p in enumerate(earlier)]), 0)
    return np.clip(np.where(earlier[0] < below, counted, earlier[0]), 0, CAP)

def fold_data(cfg, fold, data, seed=1):
    """The fold's training windows and held-out cuts (and, with "select", the 10 % of the training
    engines that pick the epoch), normalized on the fold's training engines."""
    rng = np.random.default_rng(1000 + fold)
    tr, va, va_subset, tr_subset = [], [], [], []
    for subset, name in enumerate(SUBSETS):
        if name not in cfg["subsets"]: continue
        us = units(os.path.join(data, f"train_{name}.txt"))
        order = np.random.default_rng(0).permutation(len(us))
        for i, ui in enumerate(order):
            (va if i % 5 == fold else tr).append(us[ui])
            (va_subset if i % 5 == fold else tr_subset).append(subset)
    rows = np.concatenate(tr); mean, std = rows.mean(0), rows.std(0)
    tr = [(u - mean) / std for u in tr]; va = [(u - mean) / std for u in va]
    real = tr
    if cfg["warp"]:  # more engines: each training engine's life stretched or squeezed in time
        own = 1000 * seed if cfg["warp_per_seed"] else 0  # each member its own copies, or all the same
        tr = tr + warped(real, cfg["warp"], np.random.default_rng(4000 + fold + own), cfg["warp_phases"])
    if cfg["mix"]:  # more engines: blends of two real engines of one fleet
        tr = tr + mixed(real, tr_subset, cfg["mix"], np.random.default_rng(5000 + fold))
    if cfg["baseline"]:  # each engine's own offset: its rows less the mean of its first cycles
        k = cfg["baseline"]
        tr = [np.concatenate([u, u - u[:k].mean(0)], 1) for u in tr]
        va = [np.concatenate([u, u - u[:k].mean(0)], 1) for u in va]
    if cfg["drift"]:  # the engine's early level (mean of its first k cycles), for the head's drift
        tr = [np.concatenate([u, early_level(u, cfg["drift"])], 1) for u in tr]
        va = [np.concatenate([u, early_level(u, cfg["drift"])], 1) for u in va]
    if cfg["lagged"]:  # the sensors' level some cycles back, for the head's drift since then
        tr = [np.concatenate([u, lagged_level(u[:, :len(CHANNELS)], cfg["lagged"])], 1) for u in tr]
        va = [np.concatenate([u, lagged_level(u[:, :len(CHANNELS)], cfg["lagged"])], 1) for u in va]
    if cfg["age"]:  # cycles so far, scaled, as one more channel (after the normalization)
        tr = [np.concatenate([u, np.arange(1, len(u) + 1)[:, None] / cfg["age"]], 1) for u in tr]
        va = [np.concatenate([u, np.arange(1, len(u) + 1)[:, None] / cfg["age"]], 1) for u in va]
    W = cfg["window"]
    held = None
    if cfg["select"]:  # the training script's protocol: 10 % of the training engines pick the epoch
        chosen = set(np.random.default_rng(2000 + fold).choice(len(tr), len(tr) // 10, replace=False))
        held = cuts([u for i, u in enumerate(tr) if i in chosen], W, np.random.default_rng(3000 + fold))
        tr = [u for i, u in enumerate(tr) if i not in chosen]
    x, y = windows(tr, W, cfg["train_cap"])
    if cfg["countdown"]:  # the held-out cuts again, with the windows before the earlier cuts
        vx, vy, earlier = cuts(va, W, rng, back=max(cfg["countdown"]))
    else:
        (vx, vy), earlier = cuts(va, W, rng), None
    return x, y, vx, vy, held, np.repeat(va_subset, 20), earlier

def lagged_level(u, lag, n=10):
    """Row by row, the mean of the n cycles ending lag cycles before it (an engine younger than
    lag + n cycles: its first n cycles, or those it has), so the head sees the drift of the last lag
    cycles, a recent rate of wear beside the early level's lifelong one."""
    total = np.concatenate([np.zeros((1, u.shape[1])), np.cumsum(u, 0)])
    t = np.arange(len(u))
    end = np.minimum(np.maximum(t - lag, n - 1), t)
    start = np.maximum(end - n + 1, 0)
    return (total[end + 1] - total[start]) / (end + 1 - start)[:, None]

def early_level(u, k):
    """Row by row, the mean of the engine's first k cycles as far as they have been seen, as the
    pipeline's derive: early-mean keeps it (so a cut before cycle k does not see later cycles)."""
    seen = np.minimum(np.arange(1, len(u) + 1), k)[:, None]
    return np.cumsum(u, 0)[np.minimum(np.arange(len(u)), k - 1)] / seen

def warped(us, k, rng, phases=False, low=0.8, high=1.25):
    """k copies of every engine resampled onto a life log-uniformly 0.8 to 1.25 times as long (linear
    interpolation between cycles): an engine that wears faster or slower along the same path. With
    phases, the life before the last CAP cycles (the healthy part, whose length is the engine's
    initial wear) is resampled by its own factor, log-uniformly 0.67 to 1.5, and the last CAP cycles
    by 0.8 to 1.25: an engine whose wear sets in earlier or later than its rate alone would say."""
    out = []
    for u in us:
        for _ in range(k):
            last = len(u) - 1
            if phases:
                knee = max(0.0, last - CAP)
                early, late = np.exp(rng.uniform(np.log(2 / 3), np.log(1.5))), np.exp(rng.uniform(np.log(low), np.log(high)))
                n1 = int(round(knee * early))
                t = np.concatenate([np.linspace(0, knee, n1 + 1)[:-1], np.linspace(knee, last, max(2, int(round((last - knee) * late)) + 1))])
            else:
                t = np.linspace(0, last, max(2, int(round(len(u) * np.exp(rng.uniform(np.log(low), np.log(high)))))))
            out.append(resampled(u, t))
    return out

def resampled(u, t):
    """An engine's rows at the (fractional) cycles t, linearly interpolated between its cycles."""
    return np.stack([np.interp(t, np.arange(len(u)), u[:, c]) for c in range(u.shape[1])], 1)

def mixed(us, subsets, k, rng):
    """k blends of every engine with another engine of its subset (fleet), both resampled onto the
    blend's life, a weighted mean of theirs, so that they start together and fail together; the
    weight uniform in 0.25 to 0.75: an engine between two real ones in initial wear, rate and life."""
    out = []
    for i, u in enumerate(us):
        peers = [j for j in range(len(us)) if subsets[j] == subsets[i] and j != i]
        for _ in range(k):
            v = us[peers[rng.integers(len(peers))]]; w = rng.uniform(0.25, 0.75)
            n = max(2, int(round(w * len(u) + (1 - w) * len(v))))
            out.append(w * resampled(u, np.linspace(0, len(u) - 1, n)) + (1 - w) * resampled(v, np.linspace(0, len(v) - 1, n)))
    return out

def fit(cfg, x, y, held, seed, dev="cpu"):
    """A model trained on x against y for cfg's epochs: the last epoch's, or with held cuts the best."""
    torch.manual_seed(seed)
    m = Model(cfg["window"], cfg["patch"], cfg["dim"], 4, cfg["dim"] * 2, cfg["layers"], cfg["dropout"], cfg["level"], cfg["smooth"], cfg["slope"], x.shape[2], bool(cfg["age"]), bool(cfg["drift"]), cfg["relative"], bool(cfg["lagged"]), cfg["level2"]).to(dev)
    opt = torch.optim.AdamW(m.parameters(), lr=cfg["lr"], weight_decay=cfg["wd"])
    B = 256; steps = math.ceil(len(x) / B)
    sch = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg["lr"], total_steps=cfg["epochs"] * steps, pct_start=0.1)
    X = torch.from_numpy(x).to(dev); Y = torch.from_numpy(y / CAP).to(dev)
    best, best_rmse = None, float("inf")
    for ep in range(cfg["epochs"]):
        m.train(); perm = torch.randperm(len(X), device=dev)
        for st in range(0, len(X), B):
            idx = perm[st:st + B]; b = X[idx]
            if cfg["noise"]: b = b + cfg["noise"] * torch.randn_like(b)
            loss = ((m(b)[:, 0] / CAP - Y[idx]) ** 2).mean()
            opt.zero_grad(); loss.backward(); opt.step(); sch.step()
        if held is not None:
            held_rmse = float(np.sqrt(np.mean((predict(m, held[0]) - held[1]) ** 2)))
            if held_rmse < best_rmse:
                best, best_rmse = {k: v.clone() for k, v in m.state_dict().items()}, held_rmse
    if best is not None: m.load_state_dict(best)
    return m.eval()

@torch.no_grad()
def predict(m, x, batch=8192):
    m.eval()
    return torch.cat([m(torch.from_numpy(x[i:i + batch])) for i in range(0, len(x), batch)])[:, 0].clamp(0, CAP).numpy()

def run(cfg, fold, seed, data):
    """Held-out predictions of one model, or with "distill": k of a student trained against the mean of
    the true RUL and a k-seed teacher's prediction, as train_cmapss_transformer.py trains (teacher
    seeds 101..100+k, the student's the run's seed)."""
    x, y, vx, vy, held, subsets, earlier = fold_data(cfg, fold, data, seed)
    if cfg["distill"]:
        teacher = np.mean([predict(fit(cfg, x, y, held, 100 + k), x) for k in range(1, cfg["distill"] + 1)], 0)
        y = (0.5 * y + 0.5 * teacher).astype(np.float32)
    m = fit(cfg, x, y, held, seed)
    before = None
    if earlier is not None:  # predictions k cycles before each cut; NaN windows give NaN
        before = [np.where(np.isnan(e).any((1, 2)), np.nan, predict(m, np.nan_to_num(e))) for e in earlier]
    return predict(m, vx), vy, subsets, before

# true-RUL bands for the error profile: where in an engine's life the errors are
BANDS = ((0, 25), (25, 50), (50, 75), (75, 100), (100, CAP), (CAP, CAP + 1))
BASE = dict(folds=[0, 1, 2, 3, 4], warp_per_seed=False, window=30, patch=3, dim=32, layers=2, dropout=0.0, level=10, smooth=0.0, slope=False, baseline=0, age=0, select=False, distill=0, warp=0, drift=0, relative=False, lagged=0, countdown=[], countdown_below=[], warp_phases=False, train_cap=CAP, level2=0, mix=0, subsets=SUBSETS, lr=1e-3, wd=1e-4, epochs=30, noise=0.0, ensemble=1)
if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("plan")
    parser.add_argument("--data", required=True, help="C-MAPSS folder (only train_FD001/3.txt are read)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    plan = json.load(open(args.plan))
    epochs = plan.get("epochs")
    for name, over in plan["configs"]:
        cfg = {**BASE, **over}
        if sorted(set(cfg["folds"])) != sorted(cfg["folds"]) or not set(cfg["folds"]) <= set(range(5)):
            sys.exit(f"{name}: folds must be distinct, from 0 to 4: {cfg['folds']}")
        if epochs and "epochs" not in over: cfg["epochs"] = epochs
        t0 = time.time(); rm = []; bands = [[] for _ in BANDS]
        single = []; below = []  # below: the cuts whose true RUL is under the cap (the hard part)
        per_subset = [[], []]  # FD001, FD003
        for fold in cfg["folds"]:
            # an ensemble averages the predictions of models that differ only in their seed
            runs = [run(cfg, fold, seed, args.data) for seed in range(1, cfg["ensemble"] + 1)]
            vy = runs[0][1]
            p = np.mean([r[0] for r in runs], 0)
            # the fold's figures for the first k seeds averaged, every k: nested ensembles in one run
            nested = {}
            for k in range(1, cfg["ensemble"] + 1):
                squared = (np.mean([r[0] for r in runs[:k]], 0) - vy) ** 2
                nested[k] = {"cv": float(np.sqrt(np.mean(squared))),
                             "under_cap": float(np.sqrt(np.mean(squared[vy < CAP])))}
                for K in cfg["countdown"]:  # the ensemble's last K predictions, counted down
                    before = [np.mean([r[3][j] for r in runs[:k]], 0) for j in range(K)]
                    for gate in cfg["countdown_below"] or [None]:
                        sq = (countdown(before, gate) - vy) ** 2
                        key = f"countdown{K}" + ("" if gate is None else f"_below{gate}")
                        nested[k][key] = {"cv": float(np.sqrt(np.mean(sq))),
                                          "under_cap": float(np.sqrt(np.mean(sq[vy < CAP])))}
            if cfg["countdown"]:  # every seed's predictions before each cut, to study them again
                np.savez_compressed(f"{plan['name']}.fold{fold}.npz", true=vy, subsets=runs[0][2],
                                    before=np.array([r[3] for r in runs]))
            record = {"config": name, "fold": fold, "ensembles": nested}
            with open(plan["name"] + ".folds.jsonl", "a") as f:
                f.write(json.dumps(record) + "\n")
            rm.append(float(np.sqrt(np.mean((p - vy) ** 2))))
            for b, (lo, hi) in enumerate(BANDS):
                bands[b].append(float(np.sqrt(np.mean(((p - vy) ** 2)[(vy >= lo) & (vy < hi)]))))
            below.append(float(np.sqrt(np.mean(((p - vy) ** 2)[vy < CAP]))))
            for k in (0, 1):
                if (runs[0][2] == k).any():
                    per_subset[k].append(float(np.sqrt(np.mean(((p - vy) ** 2)[runs[0][2] == k]))))
            single.append(float(np.sqrt(np.mean((runs[0][0] - vy) ** 2))))
        only = "" if len(rm) == 5 else f"(folds {cfg['folds']} only) "  # not a five-fold figure
        line = f"{name:28s} {only}cv {np.mean(rm):.3f} folds {' '.join(f'{r:.2f}' for r in rm)}  under cap {np.mean(below):.3f}  FD001 {np.mean(per_subset[0]) if per_subset[0] else float('nan'):.3f} FD003 {np.mean(per_subset[1]) if per_subset[1] else float('nan'):.3f}  ({time.time()-t0:.0f} s)"
        if cfg["ensemble"] > 1: line += f"  seed 1 alone {np.mean(single):.3f}"
        line += "\n    true RUL " + "  ".join(f"[{lo:.0f}, {hi:.0f}) {np.mean(b):.2f}" for (lo, hi), b in zip(BANDS, bands))
        print(line, flush=True)
        with open(plan["name"] + ".log", "a") as f:
            f.write(line + "\n")
