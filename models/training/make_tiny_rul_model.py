#!/usr/bin/python3
"""Writes the tiny deterministic remaining-useful-life (RUL) model that Java tests use.

The model maps a window [batch, 8, 2] to [batch, 1]:

    rul = 10 * (mean over time of channel a) + (mean over time of channel b)

so a test can compute the expected prediction by hand. Its card normalizes with mean 0 and std 1
(the model sees raw values) and caps the prediction at 125 cycles.

    /usr/bin/python3 models/training/make_tiny_rul_model.py models/src/test/resources/vigil/models/tiny-rul
"""
import json
import os
import sys

import onnx
from onnx import TensorProto, helper


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    window = helper.make_tensor_value_info("window", TensorProto.FLOAT, ["batch", 8, 2])
    rul = helper.make_tensor_value_info("rul", TensorProto.FLOAT, ["batch", 1])
    weights = helper.make_tensor("weights", TensorProto.FLOAT, [2, 1], [10.0, 1.0])
    graph = helper.make_graph(
        [
            # Opset 17: ReduceMean still takes its axes as an attribute.
            helper.make_node("ReduceMean", ["window"], ["channel_means"], axes=[1], keepdims=0),
            helper.make_node("MatMul", ["channel_means", "weights"], ["rul"]),
        ],
        "tiny-rul",
        [window],
        [rul],
        [weights],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="vigil-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    card = {
        "name": "tiny-rul",
        "version": "test",
        "task": "rul",
        "file": "model.onnx",
        "input": {"name": "window", "shape": [-1, 8, 2]},
        "output": {"name": "rul", "shape": [-1, 1]},
        "sample_period_ms": 100,
        "channels": ["a", "b"],
        "normalization": {"mean": [0.0, 0.0], "std": [1.0, 1.0]},
        "score": "10 * mean over time of a + mean over time of b, clamped to [0, rul_cap]",
        "rul_cap": 125.0,
        "unit": "cycles",
    }
    with open(os.path.join(out_dir, "card.json"), "w") as f:
        json.dump(card, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
