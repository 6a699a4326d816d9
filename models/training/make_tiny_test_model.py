#!/usr/bin/python3
"""Writes the tiny deterministic ONNX model that Java tests use instead of a trained one.

The model maps a window [batch, 8, 2] to half of itself, so a test can compute the expected
reconstruction error by hand: for a normalized input x the error per value is (0.5x - x)^2 = x^2 / 4.

    /usr/bin/python3 models/training/make_tiny_test_model.py models/src/test/resources/vigil/models/tiny-ae
"""
import json
import os
import sys

import onnx
from onnx import TensorProto, helper


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    window = helper.make_tensor_value_info("window", TensorProto.FLOAT, ["batch", 8, 2])
    reconstruction = helper.make_tensor_value_info("reconstruction", TensorProto.FLOAT, ["batch", 8, 2])
    half = helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])
    graph = helper.make_graph(
        [helper.make_node("Mul", ["window", "half"], ["reconstruction"])],
        "tiny-ae",
        [window],
        [reconstruction],
        [half],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="vigil-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    card = {
        "name": "tiny-ae",
        "version": "test",
        "task": "reconstruction",
        "file": "model.onnx",
        "input": {"name": "window", "shape": [-1, 8, 2]},
        "output": {"name": "reconstruction", "shape": [-1, 8, 2]},
        "sample_period_ms": 100,
        "channels": ["a", "b"],
        "normalization": {"mean": [10.0, 0.0], "std": [2.0, 1.0]},
        "score": "mean over channels of the per-channel mean squared reconstruction error",
        "threshold": 1.0,
    }
    with open(os.path.join(out_dir, "card.json"), "w") as f:
        json.dump(card, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
