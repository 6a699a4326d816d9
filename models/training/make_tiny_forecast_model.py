#!/usr/bin/python3
"""Writes the tiny deterministic forecast model that Java tests use instead of a trained one.

The model maps a window [batch, 8, 2] to a forecast of its last 2 rows, [batch, 2, 2]: the mean of
the first 6 rows (the context), repeated twice. Its card normalizes with mean [10, 0] and std [2, 1],
so a test can compute the expected error by hand: per channel, the mean over the last 2 rows of
(mean of the 6 normalized context values - normalized value)^2.

    /usr/bin/python3 models/training/make_tiny_forecast_model.py models/src/test/resources/vigil/models/tiny-forecast
"""
import json
import os
import sys

import onnx
from onnx import TensorProto, helper

LENGTH, HORIZON, CHANNELS = 8, 2, 2


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    window = helper.make_tensor_value_info("window", TensorProto.FLOAT, ["batch", LENGTH, CHANNELS])
    forecast = helper.make_tensor_value_info("forecast", TensorProto.FLOAT, ["batch", HORIZON, CHANNELS])
    constants = [
        helper.make_tensor("starts", TensorProto.INT64, [1], [0]),
        helper.make_tensor("ends", TensorProto.INT64, [1], [LENGTH - HORIZON]),
        helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
    ]
    graph = helper.make_graph(
        [
            helper.make_node("Slice", ["window", "starts", "ends", "axes"], ["context"]),
            # Opset 17: ReduceMean still takes its axes as an attribute.
            helper.make_node("ReduceMean", ["context"], ["context_mean"], axes=[1], keepdims=1),
            helper.make_node("Concat", ["context_mean"] * HORIZON, ["forecast"], axis=1),
        ],
        "tiny-forecast",
        [window],
        [forecast],
        constants,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="vigil-tests")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    card = {
        "name": "tiny-forecast",
        "version": "test",
        "task": "forecast",
        "file": "model.onnx",
        "input": {"name": "window", "shape": [-1, LENGTH, CHANNELS]},
        "output": {"name": "forecast", "shape": [-1, HORIZON, CHANNELS]},
        "sample_period_ms": 100,
        "channels": ["a", "b"],
        "normalization": {"mean": [10.0, 0.0], "std": [2.0, 1.0]},
        "score": "mean over channels of the mean squared error of the last 2 rows' forecast",
        "threshold": 1.0,
    }
    with open(os.path.join(out_dir, "card.json"), "w") as f:
        json.dump(card, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
