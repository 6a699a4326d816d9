#!/usr/bin/env python3
"""Train, calibrate and export Vigil's pump-telemetry anomaly model (``pump-transformer``).

The model is a compact Transformer autoencoder with a bottleneck. It sees windows of 64 samples
(6.4 s at 10 Hz) of five pump channels, normalized per channel, and reconstructs them; a window it
cannot reconstruct well is anomalous. Per channel, the mean squared reconstruction error of the window
is divided by that channel's typical error on held-out healthy pumps (``error_scale`` in the card), so
1.0 means "as well reconstructed as a healthy pump"; the anomaly score is the mean of these scaled
errors over the channels, exactly as ``io.vigil.models.AnomalyScorer`` computes it.

Data comes from Vigil's pump simulator (see ``models/README.md``): a healthy CSV for training and
validation, and optionally a CSV with injected faults for a held-out evaluation. Pumps are split by
asset: pump-01..pump-06 train, pump-07..pump-08 are held-out healthy pumps used for early stopping,
the error scales and the threshold. The fault file is only ever used for evaluation.

Outputs (in ``--out``): ``model.onnx``, ``model.int8.onnx`` (the same model with its nn.Linear
weights stored as int8 per output channel, see ``onnx_export``; the card names it as variant
``int8``), ``card.json`` (read by the Java side), ``MODEL_CARD.md`` and ``golden.json`` (FP32 and
INT8 tensors the Java tests replay through ONNX Runtime). The INT8 copy is scored with the FP32
model's error scales and threshold, as the gateway runs it, and its held-out figures are reported
next to FP32's.

Example (from the repository root)::

    mkdir -p data
    ./vigil simulate --export data/normal.csv --healthy --assets 8 --duration 3600 --seed 7
    ./vigil simulate --export data/faults.csv --assets 9 --duration 600 --seed 11
    /usr/bin/python3 models/training/train_pump_transformer.py \\
        --data data/normal.csv --eval data/faults.csv --out models/zoo/pump-transformer
"""

import argparse
import copy
import csv
import hashlib
import json
import math
import os
import random
import shlex
import sys
import time

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_export  # noqa: E402
from onnx_export import PatchAutoencoder  # noqa: E402

CHANNELS = ("vibration", "pressure", "temperature", "current", "flow")
SAMPLE_PERIOD_MS = 100
WINDOW = 64
PATCH = 8
# 8 tokens of 8 samples, encoded to 32 dimensions, squeezed to a latent of 16 numbers.
MODEL = {"dim": 32, "heads": 4, "hidden": 64, "layers": 2, "latent": 16}
TRAIN_ASSETS = tuple(f"pump-{i:02d}" for i in range(1, 7))
VALIDATION_ASSETS = ("pump-07", "pump-08")
# Margin on the largest validation score. Validation pumps are unseen assets, so their maximum already
# contains the pump-to-pump spread of the error floor; the margin covers further unseen pumps and runs
# far longer than the one hour of validation data, at the cost of a slightly later detection.
THRESHOLD_MARGIN = 1.5
# Standard deviation, in normalized units, of a random level offset added to every training window on
# all channels but vibration. Six training pumps cover only six operating points; without the offsets
# the model memorizes them and reconstructs an unseen healthy pump badly (validation loss more than
# twice the training loss). The offsets teach it to follow the levels of pressure, temperature,
# current and flow of an unseen pump. Vibration is left alone because its level is nearly the same
# on every healthy pump and is what bearing wear changes.
# 1.0 rather than the 0.5 of version 1.0.0: with scaled errors (below) the small errors of
# temperature, flow and pressure weigh as much as vibration's, and with 0.5 an unseen healthy pump
# whose operating point lies outside the training pumps' (simulator seeds 11 and 99) scored up to
# three times the largest validation score, i.e. false alarms. 1.0 brought those pumps under the
# validation-based threshold; 1.5 made the model reconstruct even the validation pumps poorly.
LEVEL_JITTER = 1.0
# The model clips its normalized input to +-INPUT_CLAMP inside the graph before encoding; the error is
# still taken against the unclipped input. Healthy inputs stay within +-5 (also with the level offsets
# above, almost always), so this changes nothing for them, but a channel that jumps tens of standard
# deviations (cavitation's vibration, current spikes) no longer drives the encoder far outside what it
# was trained on, which wrecked the reconstruction of every other channel and made an innocent channel
# (temperature) the one with the largest scaled error.
INPUT_CLAMP = 8.0
# How the scaled per-channel errors of a window are reduced to its score: "mean" or "max". The mean
# was chosen on held-out data (see the card): the maximum inherits the heavy tail of the noisiest
# scaled channel on healthy windows, needs a much higher threshold, and then detected faults at most
# 0.4 s earlier while raising false alarms on the fault file's healthy windows.
SCORE_REDUCTION = "mean"
MODEL_NAME = "pump-transformer"
MODEL_VERSION = "1.1.0"
# Held-out figures of version 1.0.0 (unscaled mean score, level offsets of std 0.5, no input clip) on
# the same fault file, for the card's comparison.
PREVIOUS_VERSION = {
    "version": "1.0.0",
    "eval_sha256": "3d5de9ab96206948f3606b993cc51703c2ce5c7a9fa25ea9f336832134dc2870",
    "threshold": 0.3555,
    "healthy_windows": 21033,
    "healthy_false_alarms": 0,
    "faults": {
        "bearing-wear": {"detection_delay_s": {"pump-02": 18.3, "pump-06": 11.4},
                         "detected_share": 0.9720, "vibration_in_top2_share": 1.0},
        "cavitation": {"detection_delay_s": {"pump-03": 0.0, "pump-07": 0.0},
                       "detected_share": 1.0, "vibration_in_top2_share": 1.0},
        "sensor-drift": {"detection_delay_s": {"pump-04": 24.9, "pump-08": 24.0},
                         "detected_share": 0.9407, "vibration_in_top2_share": 0.3088},
        "spikes": {"detection_delay_s": {"pump-05": 1.0, "pump-09": 0.1},
                   "detected_share": 0.9958, "vibration_in_top2_share": 0.9973},
    },
    "level_offset_flagged_share": {
        "vibration": {"1": 0.0, "2": 0.002, "3": 0.3475, "4": 0.7805, "6": 1.0, "8": 1.0},
        "pressure": {"1": 0.0, "2": 0.0195, "3": 0.3286, "4": 0.5569, "6": 1.0, "8": 1.0},
        "temperature": {"1": 0.0, "2": 0.0, "3": 0.0, "4": 0.2182, "6": 1.0, "8": 1.0},
        "current": {"1": 0.0, "2": 0.0, "3": 0.0, "4": 0.0, "6": 1.0, "8": 1.0},
        "flow": {"1": 0.0, "2": 0.0, "3": 0.0, "4": 0.0007, "6": 1.0, "8": 1.0},
    },
}
# The simulator runs that produce the training and evaluation files, keyed by the sha256 of their
# output: the simulator is seeded, so the same arguments give a byte-identical CSV. The card lists the
# matching command for each data file it was trained or evaluated on, so the run can be repeated.
SIMULATOR_RUNS = {
    "050c2e0b11d5631e2290f18bae8e3f5128d9f654e0f1679b88f0380fefbcaf9b":
        "--healthy --assets 8 --duration 3600 --seed 7",
    "3d5de9ab96206948f3606b993cc51703c2ce5c7a9fa25ea9f336832134dc2870":
        "--assets 9 --duration 600 --seed 11",
}
# How to reproduce the shipped model from the repository root (`./vigil simulate --export` does not
# create missing folders, hence the mkdir).
REPRODUCE_COMMANDS = (
    "mkdir -p data",
    "./vigil simulate --export data/normal.csv --healthy --assets 8 --duration 3600 --seed 7",
    "./vigil simulate --export data/faults.csv --assets 9 --duration 600 --seed 11",
    "/usr/bin/python3 models/training/train_pump_transformer.py --data data/normal.csv "
    "--eval data/faults.csv --out models/zoo/pump-transformer",
)


# --------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------


def data_commands(paths_and_digests):
    """The commands that regenerate the given data files, where their sha256 is a known simulator run.

    Files of unknown origin get no command; their sha256 in the card still identifies them.
    """
    commands, folders = [], []
    for path, digest in paths_and_digests:
        if digest in SIMULATOR_RUNS:
            folder = os.path.dirname(path)
            if folder and folder not in folders:
                folders.append(folder)
            commands.append(f"./vigil simulate --export {shlex.quote(path)} {SIMULATOR_RUNS[digest]}")
    if folders:
        commands.insert(0, shlex.join(["mkdir", "-p", *folders]))
    return commands


def sha256(path):
    """Hex SHA-256 of a file, recorded in the card so a model can be traced to its data."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_telemetry(path):
    """Reads a simulator CSV export into ``{asset: (values [n, 5] float64, fault [n] str)}``.

    Rows of different assets are interleaved in the file; each asset's rows are sorted by timestamp
    and must be exactly one sample period apart, because a window must not span a gap.
    """
    rows = {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in ("ts", "asset", *CHANNELS, "fault") if c not in reader.fieldnames]
        if missing:
            raise ValueError(f"{path}: missing columns {missing}")
        for row in reader:
            rows.setdefault(row["asset"], []).append(
                (int(row["ts"]), [float(row[c]) for c in CHANNELS], row["fault"]))
    assets = {}
    for asset, samples in sorted(rows.items()):
        samples.sort(key=lambda s: s[0])
        ts = np.array([s[0] for s in samples])
        if len(ts) > 1 and not np.all(np.diff(ts) == SAMPLE_PERIOD_MS):
            raise ValueError(f"{path}: {asset} is not sampled every {SAMPLE_PERIOD_MS} ms without gaps")
        assets[asset] = (np.array([s[1] for s in samples]), np.array([s[2] for s in samples]))
    return assets


def windows(values, stride):
    """All windows of ``WINDOW`` consecutive samples starting every ``stride`` samples: [n, 64, 5]."""
    view = np.lib.stride_tricks.sliding_window_view(values, (WINDOW, values.shape[1]))[:, 0]
    return view[::stride]


def stack_windows(data, assets, stride):
    return np.concatenate([windows(data[a][0], stride) for a in assets])


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------


def channel_errors(reconstruction, window):
    """Per-channel mean over time of the squared reconstruction error: [b, 64, 5] -> [b, 5]."""
    return ((reconstruction - window) ** 2).mean(dim=1)


@torch.no_grad()
def window_errors(model, normalized, batch=4096):
    """Raw per-channel errors [n, 5] of normalized windows [n, 64, 5], in eval mode."""
    model.eval()
    errors = []
    for start in range(0, len(normalized), batch):
        x = torch.from_numpy(normalized[start:start + batch])
        errors.append(channel_errors(model(x), x))
    return torch.cat(errors).numpy()


def reduce_errors(scaled, reduction):
    """Window scores [n] from scaled channel errors [n, 5]: their mean or their maximum."""
    if reduction == "mean":
        return scaled.mean(axis=1)
    if reduction == "max":
        return scaled.max(axis=1)
    raise ValueError(f"unknown score reduction {reduction!r}")


class Scoring:
    """One way to turn raw channel errors into a window score: scales, reduction and threshold.

    ``scale`` divides the raw errors (ones for the unscaled score of version 1.0.0); the threshold is
    the largest score of the validation windows times ``THRESHOLD_MARGIN``.
    """

    def __init__(self, name, scale, reduction, validation_errors):
        self.name, self.scale, self.reduction = name, np.asarray(scale, dtype=np.float64), reduction
        scores = self.scores(validation_errors)
        self.validation_scores = scores
        self.validation_max = float(scores.max())
        self.threshold = self.validation_max * THRESHOLD_MARGIN

    def scaled(self, errors):
        return errors / self.scale

    def scores(self, errors):
        return reduce_errors(self.scaled(errors), self.reduction)


# --------------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------------


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def fit(model, train, validation, epochs, seed, jitter=LEVEL_JITTER, patience=4, batch=128, lr=2e-3):
    """Trains on mean squared error, keeping the weights with the lowest validation loss.

    Each training window gets a fresh random level offset per channel (``jitter``, see
    ``LEVEL_JITTER``); the target is the shifted window itself, so the model learns to reconstruct
    operating points between and around those of the training pumps.

    Stops early when the validation loss has not improved for ``patience`` epochs. Returns the
    number of epochs run, the epoch whose weights were kept and the per-epoch history.
    """
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps_per_epoch = math.ceil(len(train) / batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, total_steps=epochs * steps_per_epoch, pct_start=0.1)
    generator = torch.Generator().manual_seed(seed)
    train = torch.from_numpy(train)
    best_loss, best_state, best_epoch, history = float("inf"), None, 0, []
    for epoch in range(1, epochs + 1):
        started = time.time()
        model.train()
        order = torch.randperm(len(train), generator=generator)
        total = 0.0
        for start in range(0, len(train), batch):
            x = train[order[start:start + batch]]
            offsets = torch.randn(len(x), 1, len(CHANNELS), generator=generator) * jitter
            offsets[:, :, CHANNELS.index("vibration")] = 0
            x = x + offsets
            loss = channel_errors(model(x), x).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(x)
        validation_loss = float(window_errors(model, validation).mean())
        history.append({"epoch": epoch, "train_loss": total / len(train),
                        "validation_loss": validation_loss, "seconds": time.time() - started})
        print(f"epoch {epoch:2d}  train {total / len(train):.4f}  validation {validation_loss:.4f}  "
              f"({time.time() - started:.1f} s)", flush=True)
        if validation_loss < best_loss:
            best_loss, best_epoch = validation_loss, epoch
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        elif epoch - best_epoch >= patience:
            print(f"early stop: no improvement since epoch {best_epoch}")
            break
    model.load_state_dict(best_state)
    return len(history), best_epoch, history


def calibrate(model, validation):
    """Error scales and threshold from held-out healthy windows, with their distribution for the card.

    ``error_scale`` is each channel's mean raw error over the validation windows, so a scaled error of
    1.0 is a typical healthy error for that channel. The threshold is the largest validation score
    times ``THRESHOLD_MARGIN``: the gateway scores windows continuously, so any quantile below 1 would
    mean a steady rate of false alarms on healthy pumps.

    Returns the chosen scoring (``SCORE_REDUCTION`` of the scaled errors), the alternatives it is
    compared with on held-out data (the other reduction, and the unscaled mean of version 1.0.0), and
    the validation metrics.
    """
    errors = window_errors(model, validation)
    error_scale = errors.mean(axis=0)
    scorings = {
        "mean": Scoring("mean", error_scale, "mean", errors),
        "max": Scoring("max", error_scale, "max", errors),
        "unscaled-mean": Scoring("unscaled-mean", np.ones(len(CHANNELS)), "mean", errors),
    }
    chosen = scorings[SCORE_REDUCTION]
    return chosen, scorings, validation_metrics(errors, chosen)


def validation_metrics(errors, scoring):
    """What ``scoring`` makes of the raw channel errors [n, 5] of the validation windows: the raw
    mean per channel, the distribution of scaled errors and scores, and the false alarms at its
    threshold. For the INT8 copy, ``scoring`` is the FP32 model's, as the card gives it to both."""
    scores = scoring.scores(errors)
    scaled = scoring.scaled(errors)
    return {
        "assets": list(VALIDATION_ASSETS),
        "windows": int(len(scores)),
        "mean_channel_error": {c: float(e) for c, e in zip(CHANNELS, errors.mean(axis=0))},
        "scaled_channel_error": {
            c: {"p50": round(float(np.quantile(scaled[:, i], 0.5)), 4),
                "p99": round(float(np.quantile(scaled[:, i], 0.99)), 4),
                "max": round(float(scaled[:, i].max()), 4)}
            for i, c in enumerate(CHANNELS)},
        "score_mean": float(scores.mean()),
        "score_p50": float(np.quantile(scores, 0.5)),
        "score_p99": float(np.quantile(scores, 0.99)),
        "score_p999": float(np.quantile(scores, 0.999)),
        "score_max": float(scores.max()),
        "threshold_margin": THRESHOLD_MARGIN,
        "false_alarms": int((scores > scoring.threshold).sum()),
    }


# --------------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------------


def detection_delay(scores, starts, onset, threshold):
    """Seconds from the first faulty sample to the last sample of the first flagged window after it.

    A window is only seen once its last sample has arrived; ``None`` when no window is flagged.
    """
    flagged = np.flatnonzero((scores > threshold) & (starts + WINDOW - 1 >= onset))
    if len(flagged) == 0:
        return None
    return round(float(starts[flagged[0]] + WINDOW - 1 - onset) * SAMPLE_PERIOD_MS / 1000.0, 1)


def share_by_channel(indices):
    counts = np.bincount(indices, minlength=len(CHANNELS)) / max(len(indices), 1)
    return {c: round(float(v), 4) for c, v in zip(CHANNELS, counts)}


def evaluate(model, data, mean, std, scorings, chosen, stride):
    """Held-out evaluation on a fault file, window by window as the gateway would see it.

    A window is a fault window when at least half its samples have the fault active, healthy when it
    belongs to a pump without fault or lies wholly before its pump's fault starts; windows across the
    onset and after the fault ends count as neither. A window is flagged when its score exceeds the
    threshold. Every scoring in ``scorings`` is evaluated with its own validation-based threshold;
    for ``chosen`` also at its unmargined validation maximum (what the margin costs), with the
    channels to blame (largest scaled errors) of the flagged fault windows.
    """
    per_asset = {}
    for asset, (values, fault) in data.items():
        normalized = ((windows(values, stride) - mean) / std).astype(np.float32)
        per_asset[asset] = (window_errors(model, normalized), fault)

    def run(scoring, threshold):
        healthy_scores, per_kind = [], {}
        for asset, (errors, fault) in per_asset.items():
            scores = scoring.scores(errors)
            starts = np.arange(len(scores)) * stride
            active = np.flatnonzero(fault != "")
            if len(active) == 0:
                healthy_scores.append(scores)
                continue
            kind, onset = fault[active[0]], active[0]
            healthy_scores.append(scores[starts + WINDOW <= onset])
            is_fault = windows((fault != "")[:, None], stride)[:, :, 0].sum(axis=1) >= WINDOW / 2
            stats = per_kind.setdefault(kind, {"windows": 0, "flagged": 0, "errors": [], "blame": [],
                                               "delays": {}})
            flagged = is_fault & (scores > threshold)
            stats["windows"] += int(is_fault.sum())
            stats["flagged"] += int(flagged.sum())
            stats["errors"].append(errors[is_fault])
            stats["blame"].append(np.argsort(-scoring.scaled(errors[flagged]), axis=1, kind="stable"))
            stats["delays"][asset] = detection_delay(scores, starts, onset, threshold)
        healthy = np.concatenate(healthy_scores)
        return healthy, per_kind

    metrics = {"eval_window_stride": stride, "scorings": {}}
    for name, scoring in scorings.items():
        healthy, per_kind = run(scoring, scoring.threshold)
        summary = {
            "threshold": scoring.threshold,
            "validation_score_max": scoring.validation_max,
            "healthy_windows": int(len(healthy)),
            "healthy_false_alarms": int((healthy > scoring.threshold).sum()),
            "healthy_score_max": float(healthy.max()),
            "faults": {},
        }
        for kind in sorted(per_kind):
            stats = per_kind[kind]
            blame = np.concatenate(stats["blame"])
            summary["faults"][kind] = {
                "detected_share": stats["flagged"] / max(stats["windows"], 1),
                "detection_delay_s": stats["delays"],
                # Share of the flagged fault windows in which vibration is one of the two channels
                # with the largest (scaled) errors: the blame the unscaled score always put on it.
                "vibration_in_top2_share": round(float((blame[:, :2] == 0).any(axis=1).mean()), 4)
                if len(blame) else None,
            }
        metrics["scorings"][name] = summary
        if scoring is not chosen:
            continue
        _, unmargined = run(scoring, scoring.validation_max)
        metrics.update({
            "healthy_windows": summary["healthy_windows"],
            "healthy_false_alarms": summary["healthy_false_alarms"],
            "false_alarm_rate": summary["healthy_false_alarms"] / max(summary["healthy_windows"], 1),
            "healthy_score_max": summary["healthy_score_max"],
            "healthy_false_alarms_at_validation_max": int((healthy > scoring.validation_max).sum()),
            "faults": {},
        })
        for kind in sorted(per_kind):
            stats = per_kind[kind]
            errors = np.concatenate(stats["errors"])
            blame = np.concatenate(stats["blame"])
            delays = list(stats["delays"].values())
            metrics["faults"][kind] = {
                "assets": sorted(stats["delays"]),
                "fault_windows": stats["windows"],
                "detected_share": stats["flagged"] / max(stats["windows"], 1),
                "detection_delay_s": stats["delays"],
                "max_detection_delay_s": None if None in delays else max(delays),
                "detection_delay_s_at_validation_max": unmargined[kind]["delays"],
                "mean_channel_error": {c: round(float(e), 4)
                                       for c, e in zip(CHANNELS, errors.mean(axis=0))},
                "median_scaled_error": {c: round(float(e), 2) for c, e in
                                        zip(CHANNELS, np.median(scoring.scaled(errors), axis=0))},
                "blame_first_share": share_by_channel(blame[:, 0]) if len(blame) else None,
                "blame_second_share": share_by_channel(blame[:, 1]) if len(blame) else None,
            }
    return metrics


def level_offset_sensitivity(model, data, mean, std, scoring, stride, offsets=(1, 2, 3, 4, 6, 8)):
    """Share of healthy windows flagged once one channel is shifted by a constant offset.

    Offsets are in normalized units (standard deviations of the training rows), added to every
    window of the pumps without fault, one channel at a time. It shows how far a slow fault or a
    drifting sensor must move a level before the model flags it, the price of ``LEVEL_JITTER``.
    """
    healthy = np.concatenate([((windows(values, stride) - mean) / std).astype(np.float32)
                              for values, fault in data.values() if not (fault != "").any()])
    sensitivity = {}
    for c, channel in enumerate(CHANNELS):
        shares = {}
        for offset in offsets:
            shifted = healthy.copy()
            shifted[:, :, c] += offset
            flagged = scoring.scores(window_errors(model, shifted)) > scoring.threshold
            shares[str(offset)] = round(float(flagged.mean()), 4)
        sensitivity[channel] = shares
    return sensitivity


def golden_windows(data, mean, std):
    """Four normalized windows from the fault file: two healthy, two with a fault fully active.

    Healthy: the first and the middle window of the first pump without a fault. Faulty: the middle
    fully-faulty window of the first two faulty pumps, so the Java replay also covers large errors.
    """
    healthy = [a for a, (_, f) in data.items() if not (f != "").any()]
    faulty = [a for a, (_, f) in data.items() if (f != "").any()]
    if not healthy or len(faulty) < 2:
        raise ValueError("the eval file needs a healthy pump and two faulty ones for golden tensors")
    values = data[healthy[0]][0]
    picked = [values[:WINDOW], values[(len(values) - WINDOW) // 2:][:WINDOW]]
    for asset in faulty[:2]:
        values, fault = data[asset]
        active = np.flatnonzero(fault != "")
        start = (active[0] + active[-1] + 1 - WINDOW) // 2
        picked.append(values[start:start + WINDOW])
    return ((np.stack(picked) - mean) / std).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


def export_onnx(model, path):
    """Exports with a dynamic batch axis, declares the static output dims and checks the file."""
    model.eval()
    example = torch.zeros(2, WINDOW, len(CHANNELS))
    torch.onnx.export(
        model, example, path, opset_version=17, input_names=["window"],
        output_names=["reconstruction"],
        dynamic_axes={"window": {0: "batch"}, "reconstruction": {0: "batch"}},
        do_constant_folding=True)
    exported = onnx.load(path)
    # torch 1.13 names every output dim symbolically once any is dynamic; the final Reshape to
    # [-1, 64, 5] makes dims 1 and 2 static, so declare them, and let strict shape inference confirm it.
    for dim, size in zip(exported.graph.output[0].type.tensor_type.shape.dim[1:], (WINDOW, len(CHANNELS))):
        dim.Clear()
        dim.dim_value = size
    onnx.shape_inference.infer_shapes(exported, check_type=True, strict_mode=True, data_prop=True)
    onnx.checker.check_model(exported, full_check=True)
    for value in (*exported.graph.input, *exported.graph.output):
        dims = [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
        if dims != ["batch", WINDOW, len(CHANNELS)]:
            raise ValueError(f"ONNX {value.name} has shape {dims}, expected [batch, {WINDOW}, 5]")
    onnx.save(exported, path)


def write_golden(variants, inputs, scoring, path):
    """Golden tensors for the Java replay: the normalized input once, then per variant (``fp32``,
    ``int8``: ``{variant: model}``) the raw output, raw and scaled channel errors and scores.

    ``channel_errors`` are the raw per-channel errors; ``scaled_errors`` divide them by the card's
    ``error_scale``; ``scores`` reduce those as the card's ``score_reduction`` says. Every variant
    uses the same card, hence the same ``scoring``. Returns the scores per variant.
    """
    x = torch.from_numpy(inputs)
    golden = {"input": onnx_export.tensor(inputs), "rtol": 1e-4, "atol": 1e-5, "variants": {}}
    for variant, model in variants.items():
        model.eval()
        with torch.no_grad():
            output = model(x)
            errors = channel_errors(output, x).numpy()
        scaled = scoring.scaled(errors.astype(np.float64))
        golden["variants"][variant] = {
            "output": onnx_export.tensor(output.numpy()),
            "channel_errors": onnx_export.tensor(errors),
            "scaled_errors": onnx_export.tensor(scaled),
            "scores": onnx_export.flat(reduce_errors(scaled, scoring.reduction)),
        }
    onnx_export.write_json(path, golden)
    return {variant: expected["scores"] for variant, expected in golden["variants"].items()}


def write_model_card(card, path):
    """Human-readable card, rendered from the same figures as ``card.json``."""
    training, metrics = card["training"], card["metrics"]
    validation = metrics["validation"]
    norm = card["normalization"]
    reduction = card["score_reduction"]
    other = "max" if reduction == "mean" else "mean"
    held_out = metrics.get("eval")
    ratios = [card["error_scale"][0] / e for e in card["error_scale"][1:]]

    def delays(by_asset):
        return ", ".join(f"{a}: {'missed' if d is None else f'{d:.1f}'}" for a, d in by_asset.items())

    def percent(share):
        return "n/a" if share is None else f"{100 * share:.0f}%"

    def shares(by_channel, limit=3):
        top = sorted(by_channel.items(), key=lambda kv: -kv[1])[:limit]
        return ", ".join(f"{c} {100 * v:.0f}%" for c, v in top if v >= 0.005)

    lines = [
        f"# Model card: {card['name']} {card['version']}",
        "",
        "## Purpose",
        "",
        "Unsupervised anomaly detection on centrifugal-pump telemetry. A Transformer autoencoder "
        "reconstructs short windows of normal pump behaviour; a window it cannot reconstruct scores "
        "high. Trained on healthy data only, so it flags any departure from healthy behaviour, "
        "whatever its cause, without naming the fault; the channels with the largest scaled errors "
        "(see Score) point at the channels that departed.",
        "",
        "## Inputs and outputs",
        "",
        f"- Input `{card['input']['name']}`: float32 `[batch, {WINDOW}, {len(CHANNELS)}]`, "
        f"{WINDOW} consecutive samples of one pump at {SAMPLE_PERIOD_MS} ms "
        f"({WINDOW * SAMPLE_PERIOD_MS / 1000:g} s), time-major, channels in this order: "
        + ", ".join(f"`{c}`" for c in CHANNELS) + ". The batch axis is dynamic.",
        f"- Output `{card['output']['name']}`: float32 `[batch, {WINDOW}, {len(CHANNELS)}]`, the "
        "reconstruction of the normalized input.",
        "- File: `model.onnx`, ONNX opset 17, no external data. The graph clips its input to "
        f"+-{training['input_clamp']:g} before encoding; errors are taken against the unclipped input.",
        f"- INT8 variant: `{card['variants']['int8']}` (`ModelLocation.withVariant(\"int8\")`), the "
        "same graph with int8 weights and the same inputs, outputs and card; see INT8 variant below.",
        "",
        "## Normalization",
        "",
        "The caller normalizes each channel before the model: `x' = (x - mean) / std`, with the mean "
        "and standard deviation of the training rows:",
        "",
        "| channel | mean | std |",
        "|---|---|---|",
        *[f"| {c} | {m:.4f} | {s:.4f} |" for c, m, s in zip(CHANNELS, norm["mean"], norm["std"])],
        "",
        "## Score",
        "",
        "All in normalized units (`io.vigil.models.AnomalyScorer` computes the same):",
        "",
        "1. Per channel c: `e_c = mean over the 64 steps of (reconstruction - x')^2`.",
        "2. `scaled_c = e_c / error_scale_c`, with `error_scale` (card.json) the mean `e_c` over "
        f"every window of the held-out healthy validation pumps {', '.join(VALIDATION_ASSETS)}: "
        "1.0 is a typical healthy error for that channel.",
        f"3. Window score = the **{reduction}** of the 5 `scaled_c` (`score_reduction` "
        f"\"{reduction}\").",
        "",
        "The channels to blame for an anomaly are those with the largest `scaled_c`.",
        "",
        "| channel | error_scale | scaled error on validation windows: p50 | p99 | max |",
        "|---|---|---|---|---|",
        *[f"| {c} | {s:.6g} | {validation['scaled_channel_error'][c]['p50']:.2f} | "
          f"{validation['scaled_channel_error'][c]['p99']:.2f} | "
          f"{validation['scaled_channel_error'][c]['max']:.2f} |"
          for c, s in zip(CHANNELS, card["error_scale"])],
        "",
        "Why scaled: vibration's sample-to-sample noise cannot be reconstructed, so its raw error "
        f"on healthy windows ({card['error_scale'][0]:.3g}) is {min(ratios):.0f} to "
        f"{max(ratios):.0f} times that of the other channels. With the unscaled mean of version "
        "1.0.0, vibration set the score floor the threshold had to clear, came second among the channels to blame in almost every anomaly, "
        "and a fault on another channel had to grow large before it was flagged. Scaled, every "
        "channel counts in multiples of its own healthy error.",
        "",
    ]
    if held_out:
        scorings = held_out["scorings"]
        kinds = list(next(iter(scorings.values()))["faults"])
        lines += [
            f"Why the {reduction} rather than the {other}: each way of scoring, calibrated by the "
            "same rule (threshold = largest validation score x "
            f"{THRESHOLD_MARGIN}), on the held-out fault file (detection delay in seconds per "
            "faulty pump; false alarms on its healthy windows):",
            "",
            "| scoring | threshold | false alarms | highest healthy score | "
            + " | ".join(kinds) + " |",
            "|---|---|---|---|" + "---|" * len(kinds),
            *[f"| {name}{' (chosen)' if name == reduction else ''} | {s['threshold']:.4g} | "
              f"{s['healthy_false_alarms']} of {s['healthy_windows']} | "
              f"{s['healthy_score_max']:.4g} | "
              + " | ".join(delays(s["faults"][k]["detection_delay_s"]) for k in kinds) + " |"
              for name, s in scorings.items()],
            "",
            f"The maximum is the score of a window's single worst channel, so on healthy windows it "
            "follows the heavy tail of whichever scaled channel fluctuates most (temperature and "
            "flow reach several times their typical error, see the table above) and needs a "
            "threshold far above the mean's. What it gains on a fault confined to one channel it "
            "loses to that threshold, and it leaves less room to healthy pumps the model has not "
            "seen. The unscaled mean, on this same model, shows what the scaling itself gains.",
            "",
        ]
    lines += [
        "## Threshold",
        "",
        f"**{card['threshold']:.6g}**: the largest score over every window (stride "
        f"{validation['window_stride']}, {validation['windows']} windows) of the held-out healthy "
        f"validation pumps {', '.join(VALIDATION_ASSETS)}, times a margin of {THRESHOLD_MARGIN}.",
        "",
        f"Validation scores: mean {validation['score_mean']:.4f}, p50 {validation['score_p50']:.4f}, "
        f"p99 {validation['score_p99']:.4f}, p99.9 {validation['score_p999']:.4f}, max "
        f"{validation['score_max']:.4f}.",
        "",
        "Why the maximum and a margin rather than a quantile: the gateway scores windows "
        "continuously, around the clock, so any quantile below 1 means a steady rate of false alarms "
        "on healthy pumps. The validation pumps are assets the model never trained on, so their maximum "
        "already contains the pump-to-pump spread of the error floor; the margin covers further "
        "unseen pumps and runs longer than the one hour of validation data. What the margin costs in "
        "detection delay is shown below, next to the delays at the unmargined maximum.",
        "",
        "## Training",
        "",
        "Data come from Vigil's pump simulator, which is seeded: the same command gives a "
        "byte-identical file. From the repository root:",
        "",
        "```sh",
        *REPRODUCE_COMMANDS[:-1],
        "/usr/bin/python3 models/training/train_pump_transformer.py --data data/normal.csv \\",
        "    --eval data/faults.csv --out models/zoo/pump-transformer",
        "```",
        "",
        "This model was produced by:",
        "",
        "```sh",
        *training["command"],
        "```",
        "",
        f"- Training data: healthy pumps {', '.join(TRAIN_ASSETS)}, one hour each at 10 Hz, windows "
        f"with stride {training['train_stride']}: {training['train_windows']} windows "
        f"(sha256 `{training['data_sha256']}`).",
        f"- Validation: healthy pumps {', '.join(VALIDATION_ASSETS)} of the same file (held out), for "
        "the best epoch, the error scales and the threshold.",
        f"- Held-out evaluation: the fault file (sha256 `{training['eval_sha256']}`), never used for "
        "training, model selection, the error scales or the threshold.",
        f"- Loss: unscaled mean squared error in normalized units; AdamW, one-cycle learning rate, "
        f"batch 128, seed {training['seed']}, random level offsets of std {training['level_jitter']:g} "
        f"on every channel but vibration, epochs run: {training['epochs']}, weights of epoch "
        f"{training['best_epoch']} kept (lowest validation loss).",
        f"- Time: {training['seconds']:.0f} s of training on one CPU thread, torch {training['torch']}.",
        "",
        "## Architecture",
        "",
        f"{card['parameters']} parameters, `model.onnx` {card['size_bytes']} bytes. The window is "
        f"clipped to +-{training['input_clamp']:g}, cut into 8 patches of 8 steps (8 tokens of 40 "
        "values), embedded to width 32 with a learned position embedding, encoded by 2 pre-norm "
        "Transformer layers (4 heads, feed-forward 64, GELU), flattened and compressed to a latent "
        f"of {training['latent']} numbers, expanded back to 8 tokens with a second position "
        "embedding, decoded by 2 more layers and projected back to [64, 5]. The bottleneck keeps the "
        "network from learning the identity, which would reconstruct anomalies too.",
        "",
        "## Held-out metrics",
        "",
    ]
    if held_out:
        lines += [
            f"On the fault file, scoring every window (stride {held_out['eval_window_stride']}). A "
            "window is a fault window when at least half its samples have the fault active; healthy "
            "windows are those of the healthy pump and those wholly before a pump's fault starts. "
            "Detection delay: from the first faulty sample to the last sample of the first flagged "
            "window.",
            "",
            f"- False alarms on healthy windows: {held_out['healthy_false_alarms']} of "
            f"{held_out['healthy_windows']} (rate {held_out['false_alarm_rate']:.4g}); highest healthy "
            f"score {held_out['healthy_score_max']:.4f}; at the unmargined validation maximum there "
            f"would be {held_out['healthy_false_alarms_at_validation_max']}.",
            f"- False alarms on validation windows: {validation['false_alarms']} of "
            f"{validation['windows']}.",
            "",
            "| fault | fault windows | flagged | detection delay (s) | delay without margin (s) "
            "| first channel to blame | second channel to blame | median scaled errors (top 2) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for kind, stats in held_out["faults"].items():
            top = sorted(stats["median_scaled_error"].items(), key=lambda kv: -kv[1])[:2]
            lines.append(
                f"| {kind} | {stats['fault_windows']} | {100 * stats['detected_share']:.1f}% | "
                f"{delays(stats['detection_delay_s'])} | "
                f"{delays(stats['detection_delay_s_at_validation_max'])} | "
                f"{shares(stats['blame_first_share'] or {})} | "
                f"{shares(stats['blame_second_share'] or {})} | "
                + ", ".join(f"{c} {e:.3g}" for c, e in top) + " |")
        sensitivity = held_out["level_offset_flagged_share"]
        offsets = list(next(iter(sensitivity.values())))
        lines += [
            "",
            "Shares of the flagged fault windows. The first channel is one the fault acts on "
            "(bearing wear raises vibration and, through heat, temperature; cavitation vibration, "
            "pressure and flow). The second is mostly cross-talk: a channel far out of range "
            "disturbs the model's reconstruction of the others, and in scaled terms that shows most "
            "on the channels whose healthy error is smallest (temperature, flow), usually far below "
            "the first channel's scaled error (medians above). Only the first channel is a reliable "
            "pointer.",
            "",
            "Sensitivity to a level shift: share of the healthy pump's windows flagged when one "
            "channel is shifted by a constant offset (in standard deviations of the training rows):",
            "",
            "| channel | " + " | ".join(f"+{o} std" for o in offsets) + " |",
            "|---|" + "---|" * len(offsets),
            *[f"| {channel} | " + " | ".join(f"{100 * shares[o]:.0f}%" for o in offsets) + " |"
              for channel, shares in sensitivity.items()],
            "",
            "## Changes from 1.0.0",
            "",
            "1.0.0 scored windows by the unscaled mean of the channel errors, trained with level "
            "offsets of std 0.5 and did not clip its input.",
            "",
        ]
        if training["eval_sha256"] == PREVIOUS_VERSION["eval_sha256"]:
            version = card["version"]
            lines += [
                "On the same fault file:",
                "",
                f"| fault | 1.0.0 delay (s) | {version} delay (s) | 1.0.0 flagged | {version} flagged "
                f"| vibration among the 2 channels to blame, 1.0.0 | {version} |",
                "|---|---|---|---|---|---|---|",
            ]
            for kind, stats in held_out["faults"].items():
                before = PREVIOUS_VERSION["faults"].get(kind)
                if before is None:
                    continue
                now = held_out["scorings"][reduction]["faults"][kind]
                lines.append(
                    f"| {kind} | {delays(before['detection_delay_s'])} | "
                    f"{delays(stats['detection_delay_s'])} | {100 * before['detected_share']:.1f}% | "
                    f"{100 * stats['detected_share']:.1f}% | "
                    f"{percent(before['vibration_in_top2_share'])} | "
                    f"{percent(now['vibration_in_top2_share'])} |")
            lines += [
                "",
                f"False alarms on the healthy windows: 1.0.0 "
                f"{PREVIOUS_VERSION['healthy_false_alarms']} of {PREVIOUS_VERSION['healthy_windows']}, "
                f"{version} {held_out['healthy_false_alarms']} of {held_out['healthy_windows']}.",
                "",
                "The price of the wider level offsets (next paragraph): a constant level shift of "
                "pressure, temperature or current must be larger before it is flagged. 1.0.0's "
                "level-shift table, to compare with the one above:",
                "",
                "| channel | " + " | ".join(f"+{o} std" for o in offsets) + " |",
                "|---|" + "---|" * len(offsets),
                *[f"| {channel} | " + " | ".join(f"{100 * shares.get(o, 0):.0f}%" for o in offsets)
                  + " |" for channel, shares in PREVIOUS_VERSION["level_offset_flagged_share"].items()],
            ]
        lines += [
            "",
            "Level offsets of std 1.0 instead of 0.5: scaling makes the small errors of temperature, "
            "flow and pressure count, and 1.0.0's model reconstructs those channels poorly on a "
            "healthy pump whose operating point lies outside the training pumps'. Scaled, such "
            "pumps scored up to about three times the largest validation score: on a separate "
            "healthy file of 16 pumps (simulator seed 99, 15 minutes) and on the fault file's "
            "healthy windows, 1.0.0's model with the scaled mean gave false alarms at every margin "
            "from 1 to 2. Retrained with offsets of std 1.0 it gave none at margin 1.5; with 1.5 "
            "the model reconstructed even the validation pumps poorly. (This choice looked at the "
            "fault file's healthy windows as well as the seed-99 file, so for false alarms the fault "
            "file is not strictly held out; the seed-99 file, 16 unseen pumps, agrees.) The input "
            "clip keeps vibration the first channel to blame on cavitation: without it, the "
            "retrained model put temperature first in most cavitation windows.",
        ]
    else:
        lines.append("No fault file was given (`--eval`), so there are no held-out fault metrics.")
    int8 = metrics["int8"]
    validation_int8 = int8["validation"]
    lines += [
        "",
        "## INT8 variant",
        "",
        f"`{card['variants']['int8']}`: the weights of the {training['int8_layers']} linear layers "
        "stored as int8 (symmetric, one scale per output channel) and restored by "
        "`DequantizeLinear`; activations stay float32, so a window's output does not depend on the "
        f"rest of the batch. {card['size_bytes_int8']} bytes against {card['size_bytes']} for "
        "`model.onnx`. It runs with this card unchanged (normalization, error scales, threshold); "
        "its figures are those of the PyTorch model with the same rounded weights, which is also "
        "the reference of its golden tensors.",
        "",
        "| | FP32 | INT8 |",
        "|---|---|---|",
        f"| file size (bytes) | {card['size_bytes']} | {card['size_bytes_int8']} |",
        *[f"| validation score {label} | {validation[key]:.4f} | {validation_int8[key]:.4f} |"
          for label, key in (("mean", "score_mean"), ("p99", "score_p99"), ("max", "score_max"))],
        f"| false alarms on validation windows | {validation['false_alarms']} of "
        f"{validation['windows']} | {validation_int8['false_alarms']} of "
        f"{validation_int8['windows']} |",
    ]
    if held_out:
        held_out_int8 = int8["eval"]
        lines += [
            f"| false alarms on the fault file's healthy windows | "
            f"{held_out['healthy_false_alarms']} of {held_out['healthy_windows']} | "
            f"{held_out_int8['healthy_false_alarms']} of {held_out_int8['healthy_windows']} |",
            f"| highest healthy score | {held_out['healthy_score_max']:.4f} | "
            f"{held_out_int8['healthy_score_max']:.4f} |",
            *[f"| {kind}: flagged, delay (s) | {100 * stats['detected_share']:.1f}%, "
              f"{delays(stats['detection_delay_s'])} | "
              f"{100 * held_out_int8['faults'][kind]['detected_share']:.1f}%, "
              f"{delays(held_out_int8['faults'][kind]['detection_delay_s'])} |"
              for kind, stats in held_out["faults"].items()],
        ]
    lines += [
        "",
        "## Latency",
        "",
        "Measured by the Java benchmark with ONNX Runtime on the gateway; not measured here.",
        "",
        "## Limitations",
        "",
        "- Trained and evaluated on simulated pumps only; real pumps need retraining on their own "
        "healthy data, their own error scales and their own threshold.",
        "- Six training pumps cover only a few operating points. Random level offsets during training "
        f"(std {training['level_jitter']:g} in normalized units on every channel but vibration) make "
        "the model follow the operating point of unseen pumps; a pump far outside the training "
        "range may still score higher and raise false alarms. With scaled errors this is the main "
        "risk: the small healthy errors of temperature, flow and pressure grow first on such a "
        "pump."
        + (" The fault file's pumps lie partly outside the training range: their highest healthy "
           f"score is {held_out['healthy_score_max']:.3g} against the threshold of "
           f"{card['threshold']:.3g}, and without the margin there would be "
           f"{held_out['healthy_false_alarms_at_validation_max']} false alarms."
           if held_out else ""),
        "- The price of those offsets: a slow shift of one channel's level looks like another "
        "operating point until it is large enough (see the level-shift table), so a slowly "
        "drifting sensor or a slowly growing fault is flagged late; a fast change is caught earlier "
        "because its ramp shows within the 6.4 s window.",
        "- The model does not classify faults; the channels to blame only hint at the cause, and "
        "the second one is mostly cross-talk (see above).",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="healthy CSV from the simulator (training)")
    parser.add_argument("--eval", help="CSV with injected faults, for the held-out evaluation")
    parser.add_argument("--out", default="models/zoo/pump-transformer", help="output folder")
    parser.add_argument("--epochs", type=int, default=10, help="maximum number of epochs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny run (a few hundred windows, 1 epoch) to prove the script works")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(1)  # leave the other cores to the gateway build and services
    seed_everything(args.seed)
    started = time.time()

    data = read_telemetry(args.data)
    data_sha = sha256(args.data)
    missing = [a for a in TRAIN_ASSETS + VALIDATION_ASSETS if a not in data]
    if missing:
        raise ValueError(f"{args.data}: missing assets {missing}")
    train_rows = np.concatenate([data[a][0] for a in TRAIN_ASSETS])
    mean, std = train_rows.mean(axis=0), train_rows.std(axis=0)

    # Consecutive windows overlap heavily, so stride 8 (0.8 s) loses little and keeps the full run at a
    # few minutes on one thread; the smoke run thins the windows out to a few hundred. Validation uses
    # stride 8 per epoch (cheap) and every window for the threshold.
    train_stride = 8
    epochs = args.epochs
    if args.smoke:
        train_stride, epochs = 1024, 1

    def normalize(raw_windows):
        return ((raw_windows - mean) / std).astype(np.float32)

    train = normalize(stack_windows(data, TRAIN_ASSETS, train_stride))
    validation_epoch = normalize(stack_windows(data, VALIDATION_ASSETS, 8 if not args.smoke else 256))
    print(f"{len(train)} training windows, {len(validation_epoch)} validation windows per epoch")

    model = PatchAutoencoder(WINDOW, len(CHANNELS), PATCH, INPUT_CLAMP, **MODEL)
    parameters = sum(p.numel() for p in model.parameters())
    fit_started = time.time()
    epochs_run, best_epoch, history = fit(model, train, validation_epoch, epochs, args.seed)
    fit_seconds = time.time() - fit_started
    # The INT8 variant: the trained weights rounded as model.int8.onnx stores them. It is scored with
    # the FP32 model's card (error scales, threshold), because the gateway gives it that card.
    model_int8 = copy.deepcopy(model)
    quantized_layers = onnx_export.quantize_linear_weights_(model_int8)

    validation_stride = 1 if not args.smoke else 64
    validation = normalize(stack_windows(data, VALIDATION_ASSETS, validation_stride))
    scoring, scorings, validation_summary = calibrate(model, validation)
    metrics = {"validation": {"window_stride": validation_stride, **validation_summary}}
    metrics_int8 = {"validation": {"window_stride": validation_stride, **validation_metrics(
        window_errors(model_int8, validation), scoring)}}
    del validation

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    int8_path = os.path.join(args.out, "model.int8.onnx")
    export_onnx(model, onnx_path)
    onnx_export.write_int8_onnx(onnx_path, int8_path, quantized_layers)

    eval_sha = None
    golden_scores = None
    golden_path = os.path.join(args.out, "golden.json")
    if args.eval:
        eval_data = read_telemetry(args.eval)
        eval_sha = sha256(args.eval)
        eval_stride = 1 if not args.smoke else 16
        for held_out, candidate in ((metrics, model), (metrics_int8, model_int8)):
            held_out["eval"] = evaluate(candidate, eval_data, mean, std, scorings, scoring,
                                        eval_stride)
            # Stride 4 is plenty for a share of windows and keeps the 30 forward passes quick.
            held_out["eval"]["level_offset_flagged_share"] = level_offset_sensitivity(
                candidate, eval_data, mean, std, scoring, 4 * eval_stride)
        golden_scores = write_golden({"fp32": model, "int8": model_int8},
                                     golden_windows(eval_data, mean, std), scoring, golden_path)
    elif os.path.exists(golden_path):
        # Golden tensors come from the fault file; one left from an earlier model would not match.
        os.remove(golden_path)
        print(f"removed stale {golden_path}: golden tensors need --eval")
    metrics["int8"] = metrics_int8

    card = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "task": "reconstruction",
        "file": "model.onnx",
        "variants": {"int8": "model.int8.onnx"},
        "input": {"name": "window", "shape": [-1, WINDOW, len(CHANNELS)]},
        "output": {"name": "reconstruction", "shape": [-1, WINDOW, len(CHANNELS)]},
        "sample_period_ms": SAMPLE_PERIOD_MS,
        "channels": list(CHANNELS),
        "normalization": {"mean": mean.tolist(), "std": std.tolist()},
        "error_scale": scoring.scale.tolist(),
        "score_reduction": scoring.reduction,
        "score": f"{scoring.reduction} over channels of the per-channel mean squared reconstruction "
                 "error in normalized units, each divided by the channel's error_scale",
        "threshold": scoring.threshold,
        "parameters": parameters,
        "size_bytes": os.path.getsize(onnx_path),
        "size_bytes_int8": os.path.getsize(int8_path),
        "training": {
            "command": [*data_commands([(args.data, data_sha), (args.eval, eval_sha)]),
                        shlex.join(["/usr/bin/python3", *sys.argv])],
            "data_sha256": data_sha,
            "eval_sha256": eval_sha,
            "seed": args.seed,
            "level_jitter": LEVEL_JITTER,
            "input_clamp": INPUT_CLAMP,
            "epochs": epochs_run,
            "best_epoch": best_epoch,
            "train_windows": int(len(train)),
            "train_stride": train_stride,
            "latent": model.compress.out_features,
            "int8_layers": quantized_layers,
            "smoke": args.smoke,
            "seconds": round(fit_seconds, 1),
            "torch": torch.__version__,
            "history": history,
        },
        "metrics": metrics,
    }
    with open(os.path.join(args.out, "card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    write_model_card(card, os.path.join(args.out, "MODEL_CARD.md"))

    print(f"\nparameters {parameters}, model.onnx {card['size_bytes']} bytes, model.int8.onnx "
          f"{card['size_bytes_int8']} bytes ({quantized_layers} int8 weights), "
          f"trained {fit_seconds:.0f} s ({epochs_run} epochs, best {best_epoch}), "
          f"total {time.time() - started:.0f} s")
    print(f"validation scores: max {metrics['validation']['score_max']:.4f}, "
          f"p99 {metrics['validation']['score_p99']:.4f}; threshold {scoring.threshold:.4f}")
    validation_int8 = metrics_int8["validation"]
    print(f"INT8 validation scores (FP32 scales and threshold): max "
          f"{validation_int8['score_max']:.4f}, p99 {validation_int8['score_p99']:.4f}, mean "
          f"{validation_int8['score_mean']:.4f}; false alarms {validation_int8['false_alarms']} of "
          f"{validation_int8['windows']}")
    print("error_scale: " + ", ".join(f"{c} {e:.5g}" for c, e in zip(CHANNELS, scoring.scale)))
    if "eval" in metrics:
        for label, held_out in (("", metrics["eval"]), ("INT8 ", metrics_int8["eval"])):
            print(f"{label}held-out false alarms: {held_out['healthy_false_alarms']} of "
                  f"{held_out['healthy_windows']} healthy windows, highest healthy score "
                  f"{held_out['healthy_score_max']:.4f}")
            for kind, stats in held_out["faults"].items():
                print(f"  {kind:13s} flagged {100 * stats['detected_share']:5.1f}% of "
                      f"{stats['fault_windows']} windows, delay {stats['detection_delay_s']}")
            for name, summary in held_out["scorings"].items():
                print(f"  scoring {name:13s} threshold {summary['threshold']:.4f}, false alarms "
                      f"{summary['healthy_false_alarms']}, delays "
                      + "; ".join(f"{k} {v['detection_delay_s']}"
                                  for k, v in summary["faults"].items()))
        for variant, scores in golden_scores.items():
            print(f"golden scores {variant}: {[round(s, 4) for s in scores]}")
    print(f"outputs in {args.out}")


if __name__ == "__main__":
    main()
