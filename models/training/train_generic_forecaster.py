#!/usr/bin/env python3
"""Train, evaluate and export a generic forecaster for univariate sensor streams (``generic-forecaster``).

A plant adds sensors every week and nobody trains a model per sensor. This model watches any new
numeric channel without training: a compact Transformer that reads the first 56 samples of a
64-sample window (the context) and forecasts the last 8. Vigil scores a window by how far the
forecast is from what the sensor really did (task ``forecast``: the mean squared error over the 8
forecast rows), and a pipeline's ``detect.calibrate`` fits each stream's own threshold on its first
windows (its probation), so scores in the sensor's own units are fine.

What this script does, and what each step may look at:

1. **Training data**: only synthetic series, generated fresh for every batch from ``--seed``:
   sums of trends, one to three seasonal components (sines with harmonics, square, sawtooth and
   triangle waves), random walks, AR(1) and quasi-periodic AR(2) processes, level steps, spikes,
   Gaussian or heavy-tailed noise from barely any to dominant, quantized values, sample-and-hold
   flat segments (a stuck or missing sensor) and constant series, at scales from 0.01 to 1000 with
   offsets up to ~30 times the scale. No real data is used for training or for any choice of the
   recipe's numbers.
2. **Model** (the whole of it is in the ONNX graph): the input is the raw window ``[batch, 64, 1]``
   in the sensor's units. The graph takes the context's mean and standard deviation, normalizes the
   context with them (per-window normalization, so one model fits any scale and offset), runs a
   Transformer over 7 patches of 8 samples plus a linear path over the 56 samples, and maps the
   normalized forecast back to the sensor's units: output ``[batch, 8, 1]``. The last 8 input rows
   are never read by the model; they are what the scorer compares the forecast with. Trained on
   mean squared error in normalized units (targets clipped to +-10); the step with the lowest loss
   on a held-out synthetic set (another seed) is kept.
3. **INT8**: every nn.Linear weight rounded to int8 per output channel (``onnx_export``).
4. **Evaluation on series the model never saw** (only when ``--skab`` / ``--cmapss`` are given):

   a. forecast skill on every channel of SKAB's valve1 and valve2 files (20 files, every row) and
      on the 14 sensors of C-MAPSS FD001's test file that take more than two values (every engine
      with at least 64 cycles): every window (stride 1), RMSE of the model's forecast in the
      channel's units, pooled over files or engines, and its ratio to the RMSE of a naive forecast
      (the last context value repeated) and of the context mean; FP32 and INT8;
   b. anomaly detection on single SKAB channels with Vigil's rule: per file and channel, the score
      of every window; a POT threshold fitted to the 337 windows ending in the file's first 400 rows
      (SKAB's normal training part, here the probation; ``detect.calibrate`` defaults,
      initial-quantile 0.98, risk 0.001), then the alarm (1 of 1, no hysteresis) on the rest;
      point-wise F1, FAR and MAR pooled over the 20 files, per channel; the same for a naive
      (last-value) forecaster, and for information the alarm of any of the 8 channels. The rule is
      the Python mirror of PotCalibration/AlarmState in ``train_skab_transformer.py``, imported.

Outputs in ``--out``: ``model.onnx`` (opset 17, dynamic batch axis), ``model.int8.onnx``,
``card.json``, ``golden.json`` (four synthetic windows: FP32 and INT8 outputs, scaled channel errors
and scores as the Java scorer computes them) and ``metrics.json``.

Example (from the repository root; 256 s on one CPU thread, fit 224 s and evaluation 30 s; the
shipped model, byte for byte the same, took 21 minutes while two other trainings starved this
niced process)::

    /usr/bin/python3 models/training/train_generic_forecaster.py --out models/zoo/generic-forecaster \\
        --skab /work/shared/data/skab --cmapss /work/shared/data/cmapss

``--smoke`` trains 40 steps and evaluates on two SKAB files and five engines (when the data are
given; about 10 s); its outputs are meaningless and only prove that the script works. CI runs it
without data::

    /usr/bin/python3 models/training/train_generic_forecaster.py --smoke --out "$smoke/forecaster"
"""

import argparse
import copy
import math
import os
import shlex
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_export  # noqa: E402
from onnx_export import EncoderLayer, parameter_count, tensor  # noqa: E402
import train_skab_transformer as skab  # noqa: E402  (SKAB reader, POT and alarm mirrors)

MODEL_NAME = "generic-forecaster"
MODEL_VERSION = "1.0.0"
WINDOW = 64
HORIZON = 8
CONTEXT = WINDOW - HORIZON
PATCH = 8
TOKENS = CONTEXT // PATCH
EPS = 1e-5           # added to the context's standard deviation, in the sensor's units
TARGET_CLIP = 10.0   # training targets in normalized units
MODEL = {"dim": 32, "heads": 4, "hidden": 64, "layers": 3}
STEPS = 4000
BATCH = 256
LEARNING_RATE = 2e-3
VALIDATE_EVERY = 500
VALIDATION_WINDOWS = 8192
SAMPLE_PERIOD_MS = 1000
CMAPSS_SUBSET = "FD001"
CMAPSS_SENSORS = [f"s{i}" for i in range(1, 22)]
# The card's static threshold (only for pipelines without detect.calibrate): this quantile of the
# scores of held-out synthetic windows whose context has standard deviation 1.
THRESHOLD_QUANTILE = 0.999
# Detection table: did an alarm come within this many rows (seconds) of the anomaly's onset?
ONSET_ROWS = 60

assert skab.WINDOW == WINDOW, "the SKAB rule's window must be this model's window"


# --------------------------------------------------------------------------------------------------
# Synthetic training data
# --------------------------------------------------------------------------------------------------


def synthetic_series(rng, n, length=WINDOW, burn=32):
    """``n`` varied series of ``length`` samples, float32 [n, length]; each a random sum of
    components, then noise, quantization, flat segments, and a random scale and offset."""
    total = length + burn
    t = np.arange(total, dtype=np.float64)[None, :]
    u = (t - total / 2) / (total / 2)  # -1 .. 1

    def on(p):
        return rng.random((n, 1)) < p

    def amplitude(low=-1.0, high=0.5):
        return 10 ** rng.uniform(low, high, (n, 1))

    y = np.zeros((n, total))
    y += on(0.45) * amplitude() * rng.standard_normal((n, 1)) * u
    y += on(0.15) * amplitude() * rng.standard_normal((n, 1)) * u ** 2
    for k in range(3):  # seasonal components
        period = np.exp(rng.uniform(math.log(3), math.log(400), (n, 1)))
        phase = rng.uniform(0, 1, (n, 1))
        cycle = t / period + phase
        kind = rng.integers(0, 5, (n, 1))
        wave = np.where(kind == 0, np.sin(2 * np.pi * cycle)
                        + rng.uniform(0, 0.5, (n, 1)) * np.sin(4 * np.pi * cycle + rng.uniform(0, 6.3, (n, 1)))
                        + rng.uniform(0, 0.3, (n, 1)) * np.sin(6 * np.pi * cycle + rng.uniform(0, 6.3, (n, 1))),
               np.where(kind == 1, np.sign(np.sin(2 * np.pi * cycle)),
               np.where(kind == 2, 2 * (cycle % 1) - 1,
               np.where(kind == 3, 2 * np.abs(2 * (cycle % 1) - 1) - 1,
                        np.sin(2 * np.pi * cycle)))))
        y += on((0.5, 0.25, 0.1)[k]) * amplitude() * wave
    steps = rng.standard_normal((n, total)) / math.sqrt(total)
    y += on(0.35) * amplitude() * np.cumsum(steps, axis=1) * 2  # random walk
    # AR(1), or a quasi-periodic AR(2) with complex roots r * exp(+-i w)
    quasi = on(0.3)
    r = rng.uniform(0.7, 0.98, (n, 1))
    w = 2 * np.pi / np.exp(rng.uniform(math.log(4), math.log(60), (n, 1)))
    phi1 = np.where(quasi, 2 * r * np.cos(w), rng.uniform(-0.6, 0.99, (n, 1)))
    phi2 = np.where(quasi, -r * r, 0.0)
    eps = rng.standard_normal((n, total))
    ar = np.zeros((n, total))
    for i in range(2, total):
        ar[:, i] = phi1[:, 0] * ar[:, i - 1] + phi2[:, 0] * ar[:, i - 2] + eps[:, i]
    ar /= ar[:, burn:].std(axis=1, keepdims=True) + 1e-9
    y += on(0.45) * amplitude() * ar
    for _ in range(2):  # level steps, anywhere (also in the forecast rows)
        at = rng.integers(0, total, (n, 1))
        y += on(0.15) * amplitude() * rng.standard_normal((n, 1)) * (t >= at)
    spikes = (rng.random((n, total)) < 0.02) * rng.standard_normal((n, total)) * 3
    y += on(0.08) * amplitude() * spikes

    y = y[:, burn:]
    t = t[:, burn:]
    spread = y.std(axis=1, keepdims=True)
    structure = spread > 1e-9
    y = np.where(structure, y / np.where(structure, spread, 1), 0.0)
    noise_level = np.where(structure[:, 0:1], 10 ** rng.uniform(-2.5, 0.5, (n, 1)), 1.0)
    heavy = on(0.15)
    noise = np.where(heavy, rng.standard_t(3, (n, length)) / math.sqrt(3), rng.standard_normal((n, length)))
    y += (~on(0.05)) * noise_level * noise  # 5 % without noise
    spread = y.std(axis=1, keepdims=True) + 1e-9
    step = spread * 10 ** rng.uniform(-2, -0.3, (n, 1))
    y = np.where(on(0.2), np.round(y / step) * step, y)
    # Sample-and-hold: a stuck or missing sensor keeps its last value for a while.
    start = rng.integers(0, length, (n, 1))
    stop = start + rng.integers(4, 48, (n, 1))
    held = on(0.1) & (t >= start) & (t < stop)
    index = np.where(held, start, np.arange(length)[None, :])
    y = np.take_along_axis(y, index, axis=1)
    y = np.where(on(0.01), 0.0, y)  # a constant series
    scale = 10 ** rng.uniform(-2, 3, (n, 1))
    offset = scale * rng.standard_normal((n, 1)) * 10 ** rng.uniform(0, 1.5, (n, 1))
    return (y * scale + offset).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------


def context_statistics(window):
    """Mean and standard deviation (+ EPS) of the context rows of raw windows [batch, 64, 1]."""
    context = window[:, :CONTEXT, 0]
    mean = context.mean(dim=1, keepdim=True)
    std = ((context - mean) ** 2).mean(dim=1, keepdim=True).sqrt() + EPS
    return context, mean, std


class GenericForecaster(nn.Module):
    """Raw window [batch, 64, 1] -> context normalized by its own mean and std -> 7 patch tokens ->
    Transformer encoder -> flattened tokens -> forecast of 8 normalized values, plus a linear path
    over the 56 normalized context values -> back to the sensor's units: [batch, 8, 1]."""

    def __init__(self, dim, heads, hidden, layers):
        super().__init__()
        self.embed = nn.Linear(PATCH, dim)
        self.position = nn.Parameter(torch.randn(1, TOKENS, dim) * 0.02)
        self.encoder = nn.Sequential(*[EncoderLayer(dim, heads, hidden) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(TOKENS * dim, HORIZON)
        self.linear = nn.Linear(CONTEXT, HORIZON)

    def normalized_forecast(self, z):
        tokens = self.embed(z.reshape(-1, TOKENS, PATCH)) + self.position
        tokens = self.norm(self.encoder(tokens))
        return self.head(tokens.reshape(-1, TOKENS * self.position.shape[2])) + self.linear(z)

    def forward(self, window):
        context, mean, std = context_statistics(window)
        forecast = self.normalized_forecast((context - mean) / std)
        return (mean + forecast * std).unsqueeze(-1)


@torch.no_grad()
def forecast(model, windows, batch=8192):
    """Forecasts [n, 8] for raw windows [n, 64] (float32)."""
    model.eval()
    out = [model(torch.from_numpy(np.ascontiguousarray(windows[i:i + batch], dtype=np.float32))[..., None])[..., 0]
           for i in range(0, len(windows), batch)]
    return torch.cat(out).numpy() if out else np.zeros((0, HORIZON), np.float32)


def normalized_loss(model, windows):
    """Mean squared error in normalized units (targets clipped), on raw windows [n, 64, 1]."""
    context, mean, std = context_statistics(windows)
    target = ((windows[:, CONTEXT:, 0] - mean) / std).clamp(-TARGET_CLIP, TARGET_CLIP)
    return ((model.normalized_forecast((context - mean) / std) - target) ** 2).mean()


def fit(model, steps, seed, validation, log=True):
    """AdamW with a one-cycle schedule on fresh synthetic batches; keeps the state with the lowest
    validation loss (checked every VALIDATE_EVERY steps and at the end)."""
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=LEARNING_RATE, total_steps=steps,
                                                   pct_start=0.05)
    validation = torch.from_numpy(validation)[..., None]
    best, best_loss, history = None, math.inf, []
    chunk, pool, running, started = min(64, steps) * BATCH, None, 0.0, time.time()
    for step in range(steps):
        if step % (chunk // BATCH) == 0:
            pool = torch.from_numpy(synthetic_series(rng, chunk))[..., None]
        model.train()
        offset = (step % (chunk // BATCH)) * BATCH
        loss = normalized_loss(model, pool[offset:offset + BATCH])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        running += loss.item()
        if (step + 1) % VALIDATE_EVERY == 0 or step + 1 == steps:
            model.eval()
            with torch.no_grad():
                val = float(normalized_loss(model, validation))
            count = (step % VALIDATE_EVERY) + 1
            history.append({"step": step + 1, "train_loss": round(running / count, 5),
                            "validation_loss": round(val, 5), "seconds": round(time.time() - started, 1)})
            running = 0.0
            if val < best_loss:
                best, best_loss = copy.deepcopy(model.state_dict()), val
            if log:
                print(f"  step {step + 1:5d}  train {history[-1]['train_loss']:.4f}  "
                      f"validation {val:.4f}  ({time.time() - started:.0f} s)", flush=True)
    model.load_state_dict(best)
    model.eval()
    return {"best_validation_loss": round(best_loss, 5), "history": history}


# --------------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------------


def naive_forecast(windows):
    return np.repeat(windows[:, CONTEXT - 1:CONTEXT], HORIZON, axis=1)


def mean_forecast(windows):
    return np.repeat(windows[:, :CONTEXT].astype(np.float64).mean(axis=1, keepdims=True), HORIZON, axis=1)


def sliding(values):
    """Every window of a 1-D series, one ending at each row from 63 on: [n - 63, 64]."""
    return np.lib.stride_tricks.sliding_window_view(np.asarray(values, dtype=np.float32), WINDOW)


def window_scores(predicted, windows):
    """The Java scorer's score of a 1-channel forecast card (normalization identity, error_scale 1):
    the mean over the 8 forecast rows of the squared error."""
    d = predicted.astype(np.float64) - windows[:, CONTEXT:].astype(np.float64)
    return (d * d).mean(axis=1)


class Skill:
    """Pooled squared and absolute errors of several forecasters on one series group."""

    def __init__(self):
        self.windows, self.sq, self.ab = 0, {}, {}

    def add(self, windows, forecasts):
        self.windows += len(windows)
        target = windows[:, CONTEXT:].astype(np.float64)
        for name, f in forecasts.items():
            d = f.astype(np.float64) - target
            self.sq[name] = self.sq.get(name, 0.0) + float((d * d).sum())
            self.ab[name] = self.ab.get(name, 0.0) + float(np.abs(d).sum())

    def summary(self):
        n = max(self.windows * HORIZON, 1)
        rmse = {k: math.sqrt(v / n) for k, v in self.sq.items()}
        mae = {k: v / n for k, v in self.ab.items()}

        def ratio(a, b, table):
            return round(table[a] / table[b], 4) if table[b] > 0 else None

        return {"windows": self.windows,
                "rmse": {k: float(f"{v:.6g}") for k, v in rmse.items()},
                "mae": {k: float(f"{v:.6g}") for k, v in mae.items()},
                "rmse_ratio": {"fp32/naive": ratio("fp32", "naive", rmse), "fp32/mean": ratio("fp32", "mean", rmse),
                               "int8/naive": ratio("int8", "naive", rmse), "int8/mean": ratio("int8", "mean", rmse)},
                "mae_ratio": {"fp32/naive": ratio("fp32", "naive", mae), "fp32/mean": ratio("fp32", "mean", mae),
                              "int8/naive": ratio("int8", "naive", mae), "int8/mean": ratio("int8", "mean", mae)}}


def forecasts_of(models, windows):
    result = {name: forecast(m, windows) for name, m in models.items()}
    result["naive"] = naive_forecast(windows)
    result["mean"] = mean_forecast(windows)
    return result


def geometric_mean(values):
    values = [v for v in values if v]
    return round(float(np.exp(np.mean(np.log(values)))), 4) if values else None


def read_cmapss_test(root, subset):
    """{unit: [cycles, 21 sensors]} of C-MAPSS test file ``subset`` and the sensors that vary."""
    table = np.loadtxt(os.path.join(root, f"test_{subset}.txt"))
    sensors = table[:, 5:26]
    varying = [i for i in range(sensors.shape[1]) if len(np.unique(sensors[:, i])) > 2]
    units = {int(u): sensors[table[:, 0] == u] for u in np.unique(table[:, 0])}
    return units, varying


def evaluate_skab(models, recordings):
    """Forecast skill per SKAB channel, and the per-channel detection rule (model vs naive)."""
    skill = {c: Skill() for c in skab.CHANNELS}
    rows = [*skab.CHANNELS, "any channel"]
    counts = {name: {c: np.zeros(5, dtype=np.int64) for c in rows} for name in ("fp32", "naive")}
    # Files with an alarm on at least one anomalous test row, on one of the first ONSET_ROWS rows of
    # the anomaly, and on at least one normal test row; the delay of the first alarm after onset.
    hit = {name: {c: 0 for c in rows} for name in counts}
    onset = {name: {c: 0 for c in rows} for name in counts}
    false = {name: {c: 0 for c in rows} for name in counts}
    delays = {name: {c: [] for c in rows} for name in counts}

    def tally(name, channel, alarm, labels):
        counts[name][channel] += np.array(skab.confusion(alarm, labels))
        start = int(np.flatnonzero(labels)[0])
        alarmed = np.flatnonzero(alarm[start:] * labels[start:])
        hit[name][channel] += int(len(alarmed) > 0)
        onset[name][channel] += int(len(alarmed) > 0 and alarmed[0] < ONSET_ROWS)
        false[name][channel] += int(bool((alarm[labels == 0] == 1).any()))
        if len(alarmed):
            delays[name][channel].append(int(alarmed[0]))

    for r in recordings:
        alarms = {name: [] for name in counts}
        labels = r.anomaly[skab.PROBATION_ROWS:]
        for c, channel in enumerate(skab.CHANNELS):
            windows = sliding(r.values[:, c])
            predicted = forecasts_of(models, windows)
            skill[channel].add(windows, predicted)
            for name in counts:
                scores = np.full(len(r.values), np.nan)
                scores[WINDOW - 1:] = window_scores(predicted[name], windows)
                alarm, _ = skab.decide(scores)
                alarms[name].append(alarm)
                tally(name, channel, alarm, labels)
        for name in counts:
            tally(name, "any channel", np.max(np.stack(alarms[name]), axis=0), labels)
    return ({c: s.summary() for c, s in skill.items()},
            {name: {c: {**skab.summarize(*v.tolist()), "files_alarm_in_anomaly": hit[name][c],
                        f"files_alarm_in_first_{ONSET_ROWS}_anomalous_rows": onset[name][c],
                        "files_alarm_in_normal": false[name][c], "files": len(recordings),
                        "first_alarm_delay_rows": delays[name][c]}
                    for c, v in per.items()} for name, per in counts.items()})


def evaluate_cmapss(models, units, varying):
    skill = {i: Skill() for i in varying}
    for values in units.values():
        if len(values) < WINDOW:
            continue
        for i in varying:
            windows = sliding(values[:, i])
            skill[i].add(windows, forecasts_of(models, windows))
    return {CMAPSS_SENSORS[i]: s.summary() for i, s in skill.items()}


def skill_table(title, rows):
    lines = [title,
             f"{'series':28s} {'windows':>8s} {'RMSE model':>11s} {'naive':>10s} {'mean':>10s} "
             f"{'model/naive':>11s} {'model/mean':>10s} {'int8/naive':>10s} {'int8/mean':>9s}"]
    for name, s in rows.items():
        r, q = s["rmse"], s["rmse_ratio"]
        lines.append(f"{name:28s} {s['windows']:8d} {r['fp32']:11.4g} {r['naive']:10.4g} {r['mean']:10.4g} "
                     f"{q['fp32/naive'] or float('nan'):11.3f} {q['fp32/mean'] or float('nan'):10.3f} "
                     f"{q['int8/naive'] or float('nan'):10.3f} {q['int8/mean'] or float('nan'):9.3f}")
    ratios = {k: geometric_mean([s["rmse_ratio"][k] for s in rows.values()])
              for k in ("fp32/naive", "fp32/mean", "int8/naive", "int8/mean")}
    lines.append(f"{'geometric mean of ratios':28s} {'':8s} {'':11s} {'':10s} {'':10s} "
                 f"{ratios['fp32/naive'] or float('nan'):11.3f} {ratios['fp32/mean'] or float('nan'):10.3f} "
                 f"{ratios['int8/naive'] or float('nan'):10.3f} {ratios['int8/mean'] or float('nan'):9.3f}")
    return lines, ratios


def detection_table(detection):
    lines = ["SKAB single-channel anomaly detection (valve1 + valve2; per file and channel: POT on the "
             "windows ending in rows 63-399, initial-quantile 0.98, risk 0.001, alarm 1 of 1; "
             "test rows 400-end, point-wise, pooled over files)",
             f"(hit: files with an alarm on an anomalous test row; onset: in its first {ONSET_ROWS} "
             "rows; FA: files with an alarm on a normal test row)",
             f"{'channel':22s} {'model F1':>8s} {'FAR %':>7s} {'MAR %':>7s} {'hit':>5s} {'onset':>5s} {'FA':>5s}   "
             f"{'naive F1':>8s} {'FAR %':>7s} {'MAR %':>7s} {'hit':>5s} {'onset':>5s} {'FA':>5s}"]

    def cells(m):
        files = m["files"]
        return (f"{m['f1']:8.3f} {m['far_percent']:7.2f} {m['mar_percent']:7.2f} "
                f"{m['files_alarm_in_anomaly']:2d}/{files:<2d} "
                f"{m[f'files_alarm_in_first_{ONSET_ROWS}_anomalous_rows']:2d}/{files:<2d} "
                f"{m['files_alarm_in_normal']:2d}/{files:<2d}")

    for channel in detection["fp32"]:
        lines.append(f"{channel:22s} {cells(detection['fp32'][channel])}   "
                     f"{cells(detection['naive'][channel])}".rstrip())
    return lines


# --------------------------------------------------------------------------------------------------
# Golden tensors
# --------------------------------------------------------------------------------------------------


def golden_windows():
    """Four raw windows at different scales; the last has a level step in its forecast rows."""
    rng = np.random.default_rng(20260311)
    t = np.arange(WINDOW)
    voltage = 230 + 2 * np.sin(2 * np.pi * t / 16) + 0.1 * rng.standard_normal(WINDOW)
    tiny = 0.03 + np.cumsum(0.001 * rng.standard_normal(WINDOW))
    ar = np.zeros(WINDOW)
    for i in range(1, WINDOW):
        ar[i] = 0.8 * ar[i - 1] + rng.standard_normal()
    step = 50 + 0.5 * rng.standard_normal(WINDOW)
    step[CONTEXT:] += 5
    described = ["sine 230 +- 2, period 16, noise 0.1", "random walk around 0.03, steps 0.001",
                 "AR(1) phi 0.8, unit innovations", "level 50, noise 0.5, +5 step in the forecast rows"]
    return np.stack([voltage, tiny, ar, step]).astype(np.float32)[..., None], described


def write_golden(variants, path):
    raw, described = golden_windows()
    golden = {"windows": described, "raw_input": tensor(raw), "input": tensor(raw),
              "rtol": 1e-4, "atol": 1e-4, "variants": {}}
    for name, model in variants.items():
        with torch.no_grad():
            output = model(torch.from_numpy(raw)).numpy()
        errors = window_scores(output[..., 0], raw[..., 0])  # one channel, error_scale 1
        golden["variants"][name] = {"output": tensor(output),
                                    "scaled_errors": tensor(errors.reshape(-1, 1)),
                                    "scores": onnx_export.flat(errors)}
    onnx_export.write_json(path, golden)
    return golden


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--steps", type=int, default=STEPS, help="training steps of %d windows" % BATCH)
    parser.add_argument("--skab", help="SKAB data folder with valve1/ and valve2/ (evaluation only)")
    parser.add_argument("--cmapss", help="C-MAPSS folder with test_FD001.txt (evaluation only)")
    parser.add_argument("--smoke", action="store_true",
                        help="40 training steps, evaluation on 2 SKAB files and 5 engines")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(1)
    onnx_export.seed_everything(args.seed)
    started = time.time()
    steps = 40 if args.smoke else args.steps
    global VALIDATE_EVERY
    if args.smoke:
        VALIDATE_EVERY = 20

    # ---- training on synthetic series only ---------------------------------------------------------
    validation_windows = 1024 if args.smoke else VALIDATION_WINDOWS
    validation = synthetic_series(np.random.default_rng(args.seed + 1000), validation_windows)
    model = GenericForecaster(**MODEL)
    parameters = parameter_count(model)
    print(f"{parameters} parameters; {steps} steps of {BATCH} fresh synthetic windows", flush=True)
    fit_started = time.time()
    log = fit(model, steps, args.seed, validation)
    fit_seconds = time.time() - fit_started
    model_int8 = copy.deepcopy(model)
    quantized_layers = onnx_export.quantize_linear_weights_(model_int8)
    models = {"fp32": model, "int8": model_int8}

    # ---- held-out synthetic windows: skill in normalized units, the card's static threshold -----------
    # Rescaled so that every context has mean 0 and standard deviation 1: the scores are then in
    # "context variances", the only scale a threshold for an unknown sensor can have.
    held_out = synthetic_series(np.random.default_rng(args.seed + 2000), validation_windows)
    c_mean = held_out[:, :CONTEXT].mean(axis=1, keepdims=True)
    c_std = held_out[:, :CONTEXT].std(axis=1, keepdims=True)
    keep = c_std[:, 0] > 1e-3 * (np.abs(c_mean[:, 0]) + 1e-6)  # constant contexts cannot be rescaled
    unit = ((held_out[keep] - c_mean[keep]) / c_std[keep]).astype(np.float32)
    predicted = forecasts_of(models, unit)
    target = unit[:, CONTEXT:].astype(np.float64)
    synthetic = {name: float(np.mean(np.clip(f - target, -TARGET_CLIP, TARGET_CLIP) ** 2))
                 for name, f in predicted.items()}
    threshold = float(np.quantile(window_scores(predicted["fp32"], unit), THRESHOLD_QUANTILE))

    # ---- evaluation on real series the model never saw ----------------------------------------------
    metrics = {"synthetic_held_out": {
        "what": "held-out synthetic windows (another seed), each rescaled so its context has mean 0 "
                f"and std 1; mean squared error with errors clipped to +-{TARGET_CLIP:g}",
        "windows": int(len(unit)), "mse": {k: round(v, 5) for k, v in synthetic.items()},
        "mse_ratio": {f"{m}/{b}": round(synthetic[m] / synthetic[b], 4)
                      for m in ("fp32", "int8") for b in ("naive", "mean")}}}
    printed = [f"Synthetic held-out windows ({len(unit)}, context rescaled to mean 0, std 1; clipped MSE): "
               + ", ".join(f"{k} {v:.4f}" for k, v in synthetic.items())
               + "; model/naive " + f"{synthetic['fp32'] / synthetic['naive']:.3f}"
               + ", model/mean " + f"{synthetic['fp32'] / synthetic['mean']:.3f}", ""]
    data_sha256 = {}
    eval_started = time.time()
    if args.skab:
        recordings, _ = skab.read_skab(args.skab)
        if args.smoke:
            recordings = recordings[:1] + recordings[-1:]
        data_sha256.update({f"skab/{r.key}": r.sha256 for r in recordings})
        skab_skill, detection = evaluate_skab(models, recordings)
        lines, ratios = skill_table(
            f"Forecast skill, SKAB valve1 + valve2 ({len(recordings)} files, every window; RMSE in the "
            "channel's units, pooled over files)", {f"skab {c}": s for c, s in skab_skill.items()})
        printed += lines + [""] + detection_table(detection) + [""]
        metrics["skab"] = {
            "files": [r.key for r in recordings],
            "forecast_skill": skab_skill, "forecast_skill_geometric_mean": ratios,
            "detection": {"protocol": "per file and channel: score of every window (mean squared "
                                      "forecast error over the 8 forecast rows); POT threshold "
                                      "(initial-quantile 0.98, risk 0.001) on the windows ending in "
                                      "rows 63-399; alarm 1 of 1, clear 1, no cooldown; point-wise "
                                      "F1/FAR/MAR on rows 400-end, pooled over files; 'any channel' = "
                                      "the alarm of any of the 8 channels (information only)",
                          "rule": skab.DETECT, **detection}}
    if args.cmapss:
        units, varying = read_cmapss_test(args.cmapss, CMAPSS_SUBSET)
        if args.smoke:
            units = dict(list((u, v) for u, v in units.items() if len(v) >= WINDOW)[:5])
        path = os.path.join(args.cmapss, f"test_{CMAPSS_SUBSET}.txt")
        data_sha256[f"cmapss/test_{CMAPSS_SUBSET}.txt"] = onnx_export.sha256(path)
        cmapss_skill = evaluate_cmapss(models, units, varying)
        engines = sum(1 for v in units.values() if len(v) >= WINDOW)
        lines, ratios = skill_table(
            f"Forecast skill, C-MAPSS {CMAPSS_SUBSET} test sensors that vary ({engines} engines with "
            f"at least {WINDOW} cycles, every window; RMSE in the sensor's units, pooled over engines)",
            {f"cmapss {s}": v for s, v in cmapss_skill.items()})
        printed += lines + [""]
        metrics["cmapss"] = {"subset": CMAPSS_SUBSET, "engines": engines,
                             "sensors": [CMAPSS_SENSORS[i] for i in varying],
                             "forecast_skill": cmapss_skill, "forecast_skill_geometric_mean": ratios}
    eval_seconds = time.time() - eval_started

    # ---- export -------------------------------------------------------------------------------------
    os.makedirs(args.out, exist_ok=True)
    paths = {"fp32": os.path.join(args.out, "model.onnx"), "int8": os.path.join(args.out, "model.int8.onnx")}
    example = torch.from_numpy(golden_windows()[0][:2])
    onnx_export.export_onnx(model, example, paths["fp32"], "window", "forecast", [HORIZON, 1])
    onnx_export.write_int8_onnx(paths["fp32"], paths["int8"], quantized_layers)
    golden = write_golden(models, os.path.join(args.out, "golden.json"))

    total_seconds = time.time() - started
    command = ["/usr/bin/python3", "models/training/train_generic_forecaster.py", *(argv or sys.argv[1:])]
    card = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "task": "forecast",
        "file": "model.onnx",
        "variants": {"int8": "model.int8.onnx"},
        "input": {"name": "window", "shape": [-1, WINDOW, 1]},
        "output": {"name": "forecast", "shape": [-1, HORIZON, 1]},
        "sample_period_ms": SAMPLE_PERIOD_MS,
        "channels": ["value"],
        "normalization": {"mean": [0.0], "std": [1.0]},
        "error_scale": [1.0],
        "score_reduction": "mean",
        "score": f"mean over the last {HORIZON} rows of the squared error of the forecast, in the "
                 "sensor's own units (squared): compare per stream, with detect.calibrate",
        "threshold": threshold,
        "threshold_note": f"static fallback only: the {THRESHOLD_QUANTILE} quantile of the scores of "
                          "held-out synthetic windows rescaled so that their context has std 1; it "
                          "means nothing for a sensor of another scale. Use detect.calibrate.",
        "detect": {"calibrate": {"windows": 3600, "initial-quantile": 0.98, "risk": 0.001}},
        "parameters": parameters,
        "size_bytes": os.path.getsize(paths["fp32"]),
        "size_bytes_int8": os.path.getsize(paths["int8"]),
        "training": {
            "command": shlex.join(command),
            "data": "synthetic series only, generated from the seed (see the script's "
                    "synthetic_series): trends, seasonal waves, random walks, AR(1)/AR(2), level "
                    "steps, spikes, Gaussian/heavy-tailed noise, quantization, flat "
                    "(sample-and-hold) segments, scales 0.01-1000",
            "evaluation_data_sha256": data_sha256,
            "seed": args.seed,
            "window": WINDOW, "context": CONTEXT, "horizon": HORIZON, "patch": PATCH,
            "normalization": "inside the graph: per window, the context's mean and std (+ "
                             f"{EPS:g}); the forecast is mapped back to the input's units",
            "model": MODEL,
            "steps": steps, "batch": BATCH, "learning_rate": LEARNING_RATE,
            "optimizer": "AdamW (weight decay 1e-4), one-cycle schedule (5 % warm-up)",
            "loss": f"mean squared error in normalized units, targets clipped to +-{TARGET_CLIP:g}",
            "training_windows": steps * BATCH,
            "best_validation_loss": log["best_validation_loss"],
            "int8_layers": quantized_layers,
            "smoke": args.smoke,
            "fit_seconds": round(fit_seconds, 1),
            "evaluation_seconds": round(eval_seconds, 1),
            "total_seconds": round(total_seconds, 1),
            "threads": 1,
            "torch": torch.__version__,
        },
        "metrics": {
            "synthetic_held_out_mse_ratio": metrics["synthetic_held_out"]["mse_ratio"],
            **({"skab_rmse_ratio_geometric_mean": metrics["skab"]["forecast_skill_geometric_mean"],
                "skab_detection_any_channel": metrics["skab"]["detection"]["fp32"]["any channel"]}
               if "skab" in metrics else {}),
            **({"cmapss_rmse_ratio_geometric_mean": metrics["cmapss"]["forecast_skill_geometric_mean"]}
               if "cmapss" in metrics else {}),
            "details": "metrics.json",
        },
    }
    onnx_export.write_json(os.path.join(args.out, "card.json"), card, indent=2)
    metrics["history"] = log
    metrics["golden_scores"] = {k: v["scores"] for k, v in golden["variants"].items()}
    onnx_export.write_json(os.path.join(args.out, "metrics.json"), metrics, indent=2)

    print()
    for line in printed:
        print(line)
    print(f"{parameters} parameters; model.onnx {card['size_bytes']} bytes, model.int8.onnx "
          f"{card['size_bytes_int8']} bytes; static threshold {threshold:.4g}; fit {fit_seconds:.0f} s, "
          f"evaluation {eval_seconds:.0f} s, total {total_seconds:.0f} s")
    print(f"outputs in {args.out}")


if __name__ == "__main__":
    main()
