#!/usr/bin/env python3
"""Train, distil, quantize, evaluate and export a Transformer RUL regressor for NASA C-MAPSS
(``cmapss-transformer``).

C-MAPSS simulates turbofan engines run to failure. FD001 (one fault mode) and FD003 (two) share one
operating condition, so one model serves both, as one gateway model would serve a fleet. Protocol
(as in the published tables): RUL targets capped at 125 cycles (piecewise linear), training on the
official training trajectories only, one prediction per official test unit from its last window,
RMSE and the PHM08 score against the RUL file (the true RUL capped at 125 as well).

Steps, and what each may look at:

1. **Channels and normalization**: the 14 sensors that vary at sea level (s2, s3, s4, s7, s8, s9,
   s11, s12, s13, s14, s15, s17, s20, s21), mean and standard deviation over the training files;
   and the engine's age, its ``cycle`` count so far, divided by 100 (the card's normalization says
   so as mean 0, standard deviation 100). Age is what an operator knows of any machine (its
   operating hours); cross-validated, it took the RMSE from 11.60 to 10.71, and under the cap, where
   the RUL falls, from 12.18 to 10.33, on every fold (cmapss-exploration.md).
   And each sensor's **early level**, its mean over the engine's first 25 cycles (channels
   ``s2_early`` …, the pipeline's ``derive: early-mean``), normalized as its sensor: the head sees
   the recent level's drift from it. Cross-validated, 10.71 → 10.02, under the cap 10.33 → 9.88,
   every fold better (plan18).
   **More engines**: one copy of every training engine resampled in time onto a life 0.8 to 1.25
   times as long (log-uniform; the age follows the new life, the early level is the copy's own), an
   engine that wears faster or slower along the same path. Cross-validated with the drift, 10.02 →
   9.34, under the cap 9.88 → 9.14, every fold better (plan20b). Only training engines are copied;
   the held-out units and the normalization are real engines only.
2. **Validation split**: 10 % of each subset's training units are held out (seeded); every epoch is
   scored on them the way the test set is scored (last window of trajectories cut at 20 random
   points each). The best epoch by that RMSE is kept. No test file is read before step 5.
3. **Teacher**: an ensemble of ``--teachers`` Transformers of the student's own shape, differing in
   their seeds, the mean of their predictions. Cross-validated, three seeds averaged beat one by 0.70
   RMSE on every fold, where wider members (dim 48) had scored worse than the student on validation
   (cmapss-exploration.md).
4. **Student**: a compact Transformer (dim 32, 2 layers) trained on the same windows against a
   blend of the true target and the teacher's prediction (distillation).
   **INT8**: the student's and the teacher's nn.Linear weights rounded to int8 per output channel
   (``onnx_export``). Every variant (student and teacher, FP32 and INT8) is scored on the validation
   engines; the pipeline runs the one the variant rule picks from those figures
   (cmapss-exploration.md), never from the test figures.
5. **Evaluation** on the official test sets: teacher and its INT8 form, student without
   distillation (same recipe, true targets only), student, student INT8.

Outputs in ``--out``: ``model.onnx`` (student, opset 17, dynamic batch), ``model.int8.onnx``,
``teacher.onnx``, ``teacher.int8.onnx`` (card ``variants``), ``card.json``, ``golden.json`` (every
variant's outputs for six test windows) and ``metrics.json``.

Example (from the repository root; the shipped files, about 20 minutes on two CPU threads)::

    /usr/bin/python3 models/training/train_cmapss_transformer.py \\
        --data ../shared/data/cmapss --out models/zoo/cmapss-transformer --threads 2

``--smoke`` trains one epoch on a sixteenth of the windows with a one-model teacher.
"""

import os

# One BLAS thread: torch parallelizes the ops itself, and OpenBLAS's own threads on top of torch's
# only contend for the cores (set before numpy or torch load it).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import copy
import math
import shlex
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_export  # noqa: E402
from onnx_export import EncoderLayer, Ensemble, parameter_count, tensor  # noqa: E402

MODEL_NAME = "cmapss-transformer"
MODEL_VERSION = "2.3.0"  # 2: the cycle channel; 2.1: the early-level channels; 2.2: resampled engines;
                         # 2.3: the teacher's INT8 form, and every variant's validation RMSE
SUBSETS = ("FD001", "FD003")
COLUMNS = ["cycle", "setting1", "setting2", "setting3"] + [f"s{i}" for i in range(1, 22)]
SENSORS = ["s2", "s3", "s4", "s7", "s8", "s9", "s11", "s12", "s13", "s14", "s15", "s17", "s20", "s21"]
AGE = "cycle"        # the last input channel: the engine's cycles so far; the model reads its last row
AGE_SCALE = 100.0    # cycles; the age's normalization (mean 0), as cross-validated (cmapss-exploration.md)
EARLY_CYCLES = 25    # an engine's early level: each sensor's mean over its first 25 cycles (plan18)
EARLY = [f"{c}_early" for c in SENSORS]  # constant per engine; the model reads them at the last row
CHANNELS = SENSORS + EARLY + [AGE]
WINDOW = 50          # cycles the model sees; cross-validated against 30 (cmapss-exploration.md)
MIN_HISTORY = 30     # an engine is scored from its 30th cycle, the missing first rows repeating its
                     # first cycle (FD001's shortest test unit has 31 cycles); the pipeline's
                     # window.min-coverage is MIN_HISTORY / WINDOW
PATCH = 5            # cycles per token: 10 tokens, which smooths sensor noise and keeps attention cheap
SMOOTHING = 0.1      # exponential smoothing of the input inside the graph; cross-validated (cmapss-exploration.md)
RUL_CAP = 125.0
SAMPLE_PERIOD_MS = 1000  # one cycle per second, as vigil eval replays C-MAPSS
VALIDATION_SHARE = 0.1
VALIDATION_CUTS = 20
DROPOUT = 0.0        # cross-validated 0.1 was no better with the 50-cycle window (cmapss-exploration.md)
STUDENT = {"dim": 32, "heads": 4, "hidden": 64, "layers": 2, "dropout": DROPOUT}
TEACHER = STUDENT    # each member; the ensemble of three is the larger model
LEVEL_ROWS = 10      # the head also sees the mean of the last 10 cycles and its change over the window
EPOCHS = 30
BATCH = 256
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-4
DISTILLATION = 0.5   # weight of the teacher's prediction in the student's target
NOISE = 0.0          # Gaussian input noise while training, in normalized units
WARP_COPIES = 1      # resampled copies of every training engine (plan20b)
WARP_RANGE = (0.8, 1.25)  # their life against the original's, log-uniform
GOLDEN = [("FD001", 1), ("FD001", 31), ("FD001", 100), ("FD003", 1), ("FD003", 55), ("FD003", 99)]


# --------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------


def read_units(path):
    """{unit: [cycles, 25 columns]} (cycle, settings, sensors) from a C-MAPSS train or test file."""
    table = np.loadtxt(path)
    return {int(u): table[table[:, 0] == u][:, 1:] for u in np.unique(table[:, 0])}


def read_subset(root, subset):
    train = read_units(os.path.join(root, f"train_{subset}.txt"))
    return train


def read_test(root, subset):
    test = read_units(os.path.join(root, f"test_{subset}.txt"))
    rul = np.loadtxt(os.path.join(root, f"RUL_{subset}.txt"))
    return test, rul


def select(values):
    """The sensors, their early level (mean over the engine's first EARLY_CYCLES cycles, repeated on
    every row) and the age, from a unit's rows."""
    sensors = values[:, [COLUMNS.index(c) for c in SENSORS]]
    # averaged from float32 readings, as the pipeline receives and averages them
    first = sensors[:EARLY_CYCLES].astype(np.float32).astype(np.float64)
    early = np.repeat(first.mean(axis=0, keepdims=True), len(values), axis=0)
    return np.concatenate([sensors, early, values[:, [COLUMNS.index(AGE)]]], axis=1)


def warped(values, rng):
    """WARP_COPIES copies of a run-to-failure trajectory, each resampled (linear interpolation between
    cycles) onto a life WARP_RANGE times as long, its cycle count renumbered for the new life."""
    copies = []
    for factor in np.exp(rng.uniform(*np.log(WARP_RANGE), WARP_COPIES)):
        n = max(2, int(round(len(values) * factor)))
        t = np.linspace(0, len(values) - 1, n)
        copy = np.stack([np.interp(t, np.arange(len(values)), column) for column in values.T], axis=1)
        copy[:, COLUMNS.index(AGE)] = np.arange(1, n + 1)
        copies.append(copy)
    return copies


def front_padded(history, rows):
    """A history preceded by ``rows`` copies of its first cycle, as the pipeline's count window pads
    a short one."""
    return np.concatenate([np.repeat(history[:1], rows, axis=0), history])


def padded(history):
    """The last WINDOW cycles of a history, a short one (at least MIN_HISTORY cycles) front-padded."""
    return front_padded(history, max(0, WINDOW - len(history)))[-WINDOW:]


def unit_windows(values):
    """Every window of a run-to-failure trajectory from its MIN_HISTORY-th cycle on, and its capped
    RUL target."""
    values = front_padded(values, WINDOW - MIN_HISTORY)
    view = np.lib.stride_tricks.sliding_window_view(values, (WINDOW, values.shape[1]))[:, 0]
    remaining = np.arange(len(values) - WINDOW, -1, -1, dtype=np.float64)
    return view, np.minimum(remaining, RUL_CAP)


def windows_of(units):
    xs, ys = zip(*(unit_windows(u) for u in units))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)


def validation_windows(units, rng):
    """The test protocol on training trajectories: cut each at random points, keep the last window."""
    xs, ys = [], []
    for u in units:
        for cut in rng.integers(MIN_HISTORY, len(u) + 1, VALIDATION_CUTS):
            xs.append(padded(u[:cut]))
            ys.append(min(len(u) - cut, RUL_CAP))
    return np.stack(xs).astype(np.float32), np.array(ys, dtype=np.float32)


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------


class RulTransformer(nn.Module):
    """[batch, 50, 29] normalized cycles (14 sensors, their 14 early levels, then the age) -> the
    sensors' exponential smoothing along time (one fixed matrix product) -> 10 tokens of 5 cycles ->
    Transformer encoder -> mean of the tokens, next to the sensors' recent level (mean of the last
    10 cycles), its change over the window, its drift from the early level and the age, both read
    at the last row -> MLP -> RUL in cycles, [batch, 1].

    The level path matters: an engine's wear shows mostly as how far its sensors have drifted, and a
    final LayerNorm over the tokens blurred exactly that (validation RMSE 16.0 without the path and
    with the norm, 14.7 with the path and without it, same budget)."""

    def __init__(self, dim, heads, hidden, layers, dropout):
        super().__init__()
        sensors = len(SENSORS)
        self.embed = nn.Linear(PATCH * sensors, dim)
        self.position = nn.Parameter(torch.randn(1, WINDOW // PATCH, dim) * 0.02)
        self.encoder = nn.Sequential(*[EncoderLayer(dim, heads, hidden, dropout) for _ in range(layers)])
        self.head = nn.Sequential(nn.Linear(dim + 3 * sensors + 1, dim), nn.GELU(), nn.Dropout(dropout),
                                  nn.Linear(dim, 1))
        self.register_buffer("smoothing", smoothing_matrix(WINDOW, SMOOTHING))

    def forward(self, window):
        # The age is read at the last row only: a short history's padded rows repeat its first cycle.
        age = window[:, -1, -1:]
        early = window[:, -1, len(SENSORS):2 * len(SENSORS)]
        sensors = torch.matmul(self.smoothing, window[:, :, :len(SENSORS)])
        patches = sensors.reshape(-1, WINDOW // PATCH, PATCH * len(SENSORS))
        tokens = self.encoder(self.embed(patches) + self.position)
        recent = sensors[:, -LEVEL_ROWS:].mean(dim=1)
        change = recent - sensors[:, :LEVEL_ROWS].mean(dim=1)
        return self.head(torch.cat([tokens.mean(dim=1), recent, change, recent - early, age], dim=1)) * RUL_CAP


def smoothing_matrix(rows, alpha):
    """[rows, rows] lower-triangular weights of causal exponential smoothing: row i is
    alpha * x_i + (1 - alpha) * row i-1, starting from x_0."""
    i = torch.arange(rows).reshape(-1, 1)
    j = torch.arange(rows).reshape(1, -1)
    weights = alpha * (1 - alpha) ** (i - j).clamp(min=0).float()
    weights[:, 0] = (1 - alpha) ** i[:, 0].float()
    return torch.where(j <= i, weights, torch.zeros(()))


@torch.no_grad()
def predict(model, x, batch=4096):
    model.eval()
    return torch.cat([model(torch.from_numpy(x[i:i + batch])) for i in range(0, len(x), batch)]
                     ).numpy()[:, 0].astype(np.float64)


def rmse(predicted, true):
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(true)) ** 2)))


def phm08(predicted, true):
    d = np.asarray(predicted) - np.asarray(true)
    return float(np.sum(np.where(d < 0, np.exp(-d / 13) - 1, np.exp(d / 10) - 1)))


def fit(shape, x, y, val_x, val_y, epochs, seed, label):
    """A fresh model trained on mean squared error (targets / RUL_CAP); keeps the epoch with the
    best validation RMSE."""
    torch.manual_seed(seed)
    model = RulTransformer(**shape)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    steps = math.ceil(len(x) / BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=LEARNING_RATE, total_steps=epochs * steps, pct_start=0.1)
    generator = torch.Generator().manual_seed(seed)
    x, y = torch.from_numpy(x), torch.from_numpy(y / RUL_CAP)
    best, best_rmse, history = None, float("inf"), []
    for epoch in range(1, epochs + 1):
        started = time.time()
        model.train()
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for start in range(0, len(x), BATCH):
            idx = order[start:start + BATCH]
            batch = x[idx] + NOISE * torch.randn(len(idx), WINDOW, len(CHANNELS), generator=generator)
            loss = ((model(batch)[:, 0] / RUL_CAP - y[idx]) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
        val = rmse(np.clip(predict(model, val_x), 0, RUL_CAP), val_y)
        history.append({"epoch": epoch, "train_rmse": round(math.sqrt(total / len(x)) * RUL_CAP, 3),
                        "validation_rmse": round(val, 3), "seconds": round(time.time() - started, 1)})
        if val < best_rmse:
            best, best_rmse = copy.deepcopy(model.state_dict()), val
        print(f"  {label} epoch {epoch:2d}  train RMSE {history[-1]['train_rmse']:.2f}  "
              f"validation RMSE {val:.2f}  ({time.time() - started:.1f} s)", flush=True)
    model.load_state_dict(best)
    model.eval()
    return model, {"best_validation_rmse": round(best_rmse, 3), "history": history}


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True,
                        help="C-MAPSS folder with train_/test_/RUL_FD001.txt and FD003")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--teachers", type=int, default=3, help="members of the teacher ensemble")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--smoke", action="store_true",
                        help="one epoch on 1/16 of the windows, a one-model teacher")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    onnx_export.seed_everything(args.seed)
    started = time.time()
    epochs, teachers, stride = args.epochs, args.teachers, 1
    if args.smoke:
        epochs, teachers, stride = 1, 1, 16

    rng = np.random.default_rng(args.seed)
    train_units, val_units, resampled = [], [], []
    warp_rng = np.random.default_rng(args.seed + 4000)  # its own, so the validation cuts stay put
    for subset in SUBSETS:
        units = read_subset(args.data, subset)
        held_out = set(rng.choice(sorted(units), int(len(units) * VALIDATION_SHARE), replace=False))
        for u, values in units.items():
            if u in held_out:
                val_units.append(select(values))
            else:
                train_units.append(select(values))
                resampled.extend(select(copy) for copy in warped(values, warp_rng))
    rows = np.concatenate(train_units + val_units)
    mean, std = rows.mean(axis=0), rows.std(axis=0)
    age = CHANNELS.index(AGE)
    # the early level shares its sensor's normalization, so recent - early is a drift in its units
    mean[len(SENSORS):2 * len(SENSORS)] = mean[:len(SENSORS)]
    std[len(SENSORS):2 * len(SENSORS)] = std[:len(SENSORS)]
    mean[age], std[age] = 0.0, AGE_SCALE

    def normalize(values):
        return ((values - mean) / std).astype(np.float32)

    x, y = windows_of([normalize(u) for u in train_units + resampled])
    x, y = x[::stride], y[::stride]
    val_x, val_y = validation_windows([normalize(u) for u in val_units], rng)
    print(f"{len(x)} training windows from {len(train_units)} units and {len(resampled)} resampled "
          f"copies, {len(val_x)} validation "
          f"windows from {len(val_units)} units", flush=True)

    # ---- teacher, baseline student, distilled student ------------------------------------------------
    fit_started = time.time()
    members, teacher_logs = [], []
    for m in range(teachers):
        member, log = fit(TEACHER, x, y, val_x, val_y, epochs, args.seed + 100 + m, f"teacher {m + 1}")
        members.append(member)
        teacher_logs.append(log)
    teacher = Ensemble(members).eval()
    teacher_validation = rmse(np.clip(predict(teacher, val_x), 0, RUL_CAP), val_y)
    print(f"  teacher ensemble validation RMSE {teacher_validation:.2f}", flush=True)
    baseline, baseline_log = fit(STUDENT, x, y, val_x, val_y, epochs, args.seed, "student (no distillation)")
    soft = (1 - DISTILLATION) * y + DISTILLATION * np.clip(predict(teacher, x), 0, RUL_CAP).astype(np.float32)
    student, student_log = fit(STUDENT, x, soft, val_x, val_y, epochs, args.seed, "student")
    fit_seconds = time.time() - fit_started
    student_int8 = copy.deepcopy(student)
    quantized_layers = onnx_export.quantize_linear_weights_(student_int8)
    teacher_int8 = copy.deepcopy(teacher)
    teacher_quantized_layers = onnx_export.quantize_linear_weights_(teacher_int8)
    # every variant on the same held-out engines and cuts: the pipeline's variant is chosen by these
    # (cmapss-exploration.md, "Variant rule"), never by the test figures below
    variants = {"fp32": student, "int8": student_int8, "teacher": teacher, "teacher-int8": teacher_int8}
    validation = {name: round(rmse(np.clip(predict(model, val_x), 0, RUL_CAP), val_y), 3)
                  for name, model in variants.items()}
    print("  validation RMSE per variant: " + ", ".join(f"{n} {v:.2f}" for n, v in validation.items()),
          flush=True)

    # ---- evaluation on the official test sets -----------------------------------------------------------
    models = {"teacher": teacher, "teacher_int8": teacher_int8, "student_no_distillation": baseline,
              "student": student, "student_int8": student_int8}
    test_metrics = {name: {} for name in models}
    test_windows = {}
    for subset in SUBSETS:
        test, true = read_test(args.data, subset)
        last = np.stack([padded(normalize(select(test[u]))) for u in sorted(test)])
        test_windows[subset] = (sorted(test), test, last)
        true = np.minimum(true, RUL_CAP)
        for name, model in models.items():
            predicted = np.clip(predict(model, last), 0, RUL_CAP)
            test_metrics[name][subset] = {"rmse": round(rmse(predicted, true), 3),
                                          "score": round(phm08(predicted, true), 1),
                                          "units": len(true)}

    # ---- export -------------------------------------------------------------------------------------
    os.makedirs(args.out, exist_ok=True)
    example = torch.zeros(2, WINDOW, len(CHANNELS))
    paths = {"student": os.path.join(args.out, "model.onnx"),
             "student_int8": os.path.join(args.out, "model.int8.onnx"),
             "teacher": os.path.join(args.out, "teacher.onnx"),
             "teacher_int8": os.path.join(args.out, "teacher.int8.onnx")}
    onnx_export.export_onnx(student, example, paths["student"], "window", "rul", [1])
    onnx_export.write_int8_onnx(paths["student"], paths["student_int8"], quantized_layers)
    onnx_export.export_onnx(teacher, example, paths["teacher"], "window", "rul", [1])
    onnx_export.write_int8_onnx(paths["teacher"], paths["teacher_int8"], teacher_quantized_layers)

    raw = np.stack([padded(select(test_windows[s][1][u])) for s, u in GOLDEN]).astype(np.float32)
    golden_input = normalize(raw)
    golden = {"windows": [{"subset": s, "unit": u, "where": "last window"} for s, u in GOLDEN],
              "raw_input": tensor(raw), "input": tensor(golden_input), "rtol": 1e-4, "atol": 1e-3,
              "variants": {}}
    for variant, model in variants.items():
        output = predict(model, golden_input)
        golden["variants"][variant] = {"output": tensor(output.reshape(-1, 1)),
                                       "scores": onnx_export.flat(np.clip(output, 0, RUL_CAP))}
    onnx_export.write_json(os.path.join(args.out, "golden.json"), golden)

    total_seconds = time.time() - started
    data_files = [os.path.join(args.data, f"{kind}_{s}.txt") for s in SUBSETS for kind in ("train", "test", "RUL")]
    compression = {name: {"parameters": parameter_count(models[name]),
                          "onnx_bytes": os.path.getsize(paths[name]) if name in paths else None,
                          "test": test_metrics[name]} for name in models}
    card = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "task": "rul",
        "file": "model.onnx",
        "variants": {"int8": "model.int8.onnx", "teacher": "teacher.onnx",
                     "teacher-int8": "teacher.int8.onnx"},
        "input": {"name": "window", "shape": [-1, WINDOW, len(CHANNELS)]},
        "output": {"name": "rul", "shape": [-1, 1]},
        "sample_period_ms": SAMPLE_PERIOD_MS,
        "channels": list(CHANNELS),
        "normalization": {"mean": mean.tolist(), "std": std.tolist()},
        "rul_cap": RUL_CAP,
        "unit": "cycles",
        "parameters": parameter_count(student),
        "size_bytes": os.path.getsize(paths["student"]),
        "training": {
            "command": shlex.join(["/usr/bin/python3", *sys.argv]),
            "data": "NASA C-MAPSS FD001 + FD003 (train, test, RUL files)",
            "data_sha256": {os.path.basename(p): onnx_export.sha256(p) for p in data_files},
            "training_data": f"the official training trajectories of {', '.join(SUBSETS)} minus "
                             f"{int(VALIDATION_SHARE * 100)} % of units held out for epoch selection, "
                             f"and {WARP_COPIES} {'copy' if WARP_COPIES == 1 else 'copies'} of each "
                             f"resampled in time onto a life "
                             f"{WARP_RANGE[0]} to {WARP_RANGE[1]} times as long",
            "seed": args.seed,
            "window": WINDOW,
            "min_history": MIN_HISTORY,
            "patch": PATCH,
            "smoothing": SMOOTHING,
            "teacher": {**TEACHER, "members": teachers, "parameters": parameter_count(teacher)},
            "student": STUDENT,
            "distillation": DISTILLATION,
            "epochs": epochs,
            "batch": BATCH,
            "learning_rate": LEARNING_RATE,
            "input_noise": NOISE,
            "resampled_copies": {"per_engine": WARP_COPIES, "life_factor": list(WARP_RANGE)},
            "optimizer": f"AdamW (weight decay {WEIGHT_DECAY}), one-cycle schedule (10 % warm-up)",
            "train_windows": int(len(x)),
            "smoke": args.smoke,
            "fit_seconds": round(fit_seconds, 1),
            "total_seconds": round(total_seconds, 1),
            "threads": args.threads,
            "torch": torch.__version__,
            "validation": {"teacher": [log["best_validation_rmse"] for log in teacher_logs],
                           "teacher_ensemble": round(teacher_validation, 3),
                           "student_no_distillation": baseline_log["best_validation_rmse"],
                           "student": student_log["best_validation_rmse"],
                           "variants": validation},
        },
        "metrics": {"protocol": "official test sets, last window per unit, true RUL capped at 125",
                    **test_metrics["student"], "int8": test_metrics["student_int8"],
                    "teacher": test_metrics["teacher"], "teacher-int8": test_metrics["teacher_int8"]},
    }
    onnx_export.write_json(os.path.join(args.out, "card.json"), card, indent=2)
    metrics = {"test": test_metrics, "compression": compression,
               "history": {"student": student_log, "student_no_distillation": baseline_log,
                           "teacher": teacher_logs}}
    onnx_export.write_json(os.path.join(args.out, "metrics.json"), metrics, indent=2)

    print(f"\nstudent {parameter_count(student)} parameters, model.onnx {card['size_bytes']} bytes, "
          f"model.int8.onnx {os.path.getsize(paths['student_int8'])} bytes; teacher "
          f"{parameter_count(teacher)} parameters, teacher.onnx {os.path.getsize(paths['teacher'])} bytes, "
          f"teacher.int8.onnx {os.path.getsize(paths['teacher_int8'])} bytes; fit {fit_seconds:.0f} s, total {total_seconds:.0f} s")
    for name, per_subset in test_metrics.items():
        print(f"{name:26s} " + "  ".join(f"{s} RMSE {m['rmse']:.2f} score {m['score']:.1f}"
                                         for s, m in per_subset.items()))
    print(f"outputs in {args.out}")


if __name__ == "__main__":
    main()
