"""What every Vigil training script shares: seeding, the Transformer blocks, ONNX export, INT8
weight quantization, golden tensors and provenance hashes.

INT8 here means **weight-only, per-output-channel, symmetric** quantization of every ``nn.Linear``:
``w_q = round(w / s)`` in [-127, 127] with ``s = max|w_row| / 127``. It is done twice, in matching
ways, so Python can measure exactly what Java will run:

* ``quantize_linear_weights_`` rounds the PyTorch model's weights in place to ``w_q * s``; that
  model is the reference for the INT8 quality figures and golden tensors.
* ``write_int8_onnx`` rewrites the FP32 ONNX file: each MatMul/Gemm weight becomes an int8
  initializer plus a ``DequantizeLinear`` (per output channel). The file shrinks about 4x; ONNX
  Runtime runs it on any CPU without a quantized kernel path, so outputs do not depend on which
  other windows share the batch (dynamic activation quantization would make them depend on it).

Debian's python3-onnx has no onnxruntime, so the rewrite is checked structurally here and
numerically by the Java golden tests.
"""

import hashlib
import json
import math
import random

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from torch import nn

OPSET = 17


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


# --------------------------------------------------------------------------------------------------
# Transformer blocks, written from plain ops so the export needs no fused fast path
# --------------------------------------------------------------------------------------------------


class SelfAttention(nn.Module):
    """Multi-head self-attention over [batch, tokens, dim]."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x):
        tokens, dim = x.shape[1], self.heads * self.head_dim
        qkv = self.qkv(x).reshape(-1, tokens, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attention = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(self.head_dim), dim=-1)
        return self.out((attention @ v).transpose(1, 2).reshape(-1, tokens, dim))


class EncoderLayer(nn.Module):
    """Pre-norm Transformer encoder layer."""

    def __init__(self, dim, heads, hidden, dropout=0.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attention = SelfAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.feed_forward = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = x + self.dropout(self.attention(self.norm1(x)))
        return x + self.dropout(self.feed_forward(self.norm2(x)))


class PatchAutoencoder(nn.Module):
    """Transformer autoencoder over patches of a normalized window, squeezed through a small latent.

    [window, channels] is cut into window / patch tokens of ``patch`` consecutive rows of all
    channels, encoded by Transformer layers, flattened and compressed to ``latent`` numbers, expanded
    back to the tokens, decoded by as many layers and projected back to [window, channels]. The
    bottleneck is what makes it an anomaly detector: without it, attention with residual connections
    learns the identity and would reconstruct anomalies as well as normal data. The input is first
    clipped to +-``clamp`` (the error is still taken against the unclipped input), so a channel tens
    of standard deviations away does not drive the encoder far outside what it was trained on."""

    def __init__(self, window, channels, patch, clamp, dim, heads, hidden, layers, latent):
        super().__init__()
        self.window, self.channels, self.patch, self.clamp = window, channels, patch, clamp
        self.tokens = window // patch
        self.dim = dim
        self.embed = nn.Linear(patch * channels, dim)
        self.encoder_position = nn.Parameter(torch.randn(1, self.tokens, dim) * 0.02)
        self.encoder = nn.Sequential(*[EncoderLayer(dim, heads, hidden) for _ in range(layers)])
        self.encoder_norm = nn.LayerNorm(dim)
        self.compress = nn.Linear(self.tokens * dim, latent)
        self.expand = nn.Linear(latent, self.tokens * dim)
        self.decoder_position = nn.Parameter(torch.randn(1, self.tokens, dim) * 0.02)
        self.decoder = nn.Sequential(*[EncoderLayer(dim, heads, hidden) for _ in range(layers)])
        self.decoder_norm = nn.LayerNorm(dim)
        self.project = nn.Linear(dim, patch * channels)

    def forward(self, window):
        # Only the batch axis is -1, so the ONNX output keeps a static [*, window, channels].
        window = window.clamp(-self.clamp, self.clamp)
        patches = window.reshape(-1, self.tokens, self.patch * self.channels)
        encoded = self.encoder_norm(self.encoder(self.embed(patches) + self.encoder_position))
        latent = self.compress(encoded.reshape(-1, self.tokens * self.dim))
        tokens = self.expand(latent).reshape(-1, self.tokens, self.dim) + self.decoder_position
        decoded = self.project(self.decoder_norm(self.decoder(tokens)))
        return decoded.reshape(-1, self.window, self.channels)


class Ensemble(nn.Module):
    """A distillation teacher: the mean of its members' outputs."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x):
        return torch.stack([m(x) for m in self.members]).mean(dim=0)


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------------------------------
# ONNX
# --------------------------------------------------------------------------------------------------


def export_onnx(model, example, path, input_name, output_name, output_dims):
    """Exports with a dynamic batch axis, declares the static output dims (after batch) and checks
    the file; ``example`` is a [2, ...] input."""
    model.eval()
    torch.onnx.export(
        model, example, path, opset_version=OPSET, input_names=[input_name],
        output_names=[output_name],
        dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}},
        do_constant_folding=True)
    exported = onnx.load(path)
    output = exported.graph.output[0].type.tensor_type.shape
    while len(output.dim) > 1 + len(output_dims):
        output.dim.pop()
    for dim, size in zip(output.dim[1:], output_dims):
        dim.Clear()
        dim.dim_value = size
    onnx.shape_inference.infer_shapes(exported, check_type=True, strict_mode=True, data_prop=True)
    onnx.checker.check_model(exported, full_check=True)
    want = {input_name: ["batch", *example.shape[1:]], output_name: ["batch", *output_dims]}
    for value in (*exported.graph.input, *exported.graph.output):
        dims = [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
        if dims != list(want[value.name]):
            raise ValueError(f"ONNX {value.name} has shape {dims}, expected {want[value.name]}")
    onnx.save(exported, path)


def quantize_linear_weights_(model):
    """Rounds every nn.Linear weight in place to its INT8 per-row value; returns how many."""
    count = 0
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Linear):
                w = module.weight
                scale = (w.abs().amax(dim=1, keepdim=True) / 127).clamp_min(torch.finfo(torch.float32).tiny)
                w.copy_(torch.clamp(torch.round(w / scale), -127, 127) * scale)
                count += 1
    return count


def write_int8_onnx(source, target, expected_weights):
    """Rewrites ``source`` so every constant 2-D weight of a MatMul or Gemm is stored as int8 with
    per-output-channel scales and restored by DequantizeLinear; checks that exactly
    ``expected_weights`` weights (the model's nn.Linear count) were rewritten."""
    model = onnx.load(source)
    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    dequantized, new_nodes = {}, []
    for node in graph.node:
        if node.op_type not in ("MatMul", "Gemm") or node.input[1] not in initializers:
            continue
        name = node.input[1]
        if name not in dequantized:
            w = numpy_helper.to_array(initializers[name])
            if w.ndim != 2:
                continue
            trans_b = any(a.name == "transB" and a.i == 1 for a in node.attribute)
            axis = 0 if node.op_type == "Gemm" and trans_b else 1  # the output-channel axis
            scale = (np.abs(w).max(axis=1 - axis) / 127).astype(np.float32)
            scale[scale == 0] = np.finfo(np.float32).tiny
            shape = (-1, 1) if axis == 0 else (1, -1)
            q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
            graph.initializer.remove(initializers[name])
            graph.initializer.extend([
                numpy_helper.from_array(q, name + "_int8"),
                numpy_helper.from_array(scale, name + "_scale"),
                numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), name + "_zero"),
            ])
            new_nodes.append(helper.make_node(
                "DequantizeLinear", [name + "_int8", name + "_scale", name + "_zero"],
                [name + "_dequantized"], axis=axis, name=name + "_DequantizeLinear"))
            dequantized[name] = name + "_dequantized"
        node.input[1] = dequantized[name]
    if len(dequantized) != expected_weights:
        raise ValueError(f"quantized {len(dequantized)} ONNX weights, but the model has "
                         f"{expected_weights} nn.Linear layers")
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(new_nodes + nodes)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, target)
    return len(dequantized)


# --------------------------------------------------------------------------------------------------
# Golden tensors, provenance
# --------------------------------------------------------------------------------------------------


def flat(array):
    return [float(v) for v in np.asarray(array, dtype=np.float32).ravel()]


def tensor(array):
    array = np.asarray(array)
    return {"shape": list(array.shape), "data": flat(array)}


def write_json(path, value, indent=None):
    with open(path, "w") as f:
        json.dump(value, f, indent=indent)
        if indent:
            f.write("\n")


def sha256_files(paths):
    """One SHA-256 over the files' bytes in the given order: the card's data hash."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def sha256(path):
    return sha256_files([path])
