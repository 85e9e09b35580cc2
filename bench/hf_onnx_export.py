"""Hugging Face's own ONNX export of a ConvBERT model: the anchor bench/onnx.ts times convspec against.

    python bench/hf_onnx_export.py CONFIG.json WEIGHTS.safetensors OUT.onnx

Builds `transformers.ConvBertModel` from CONFIG.json, loads WEIGHTS.safetensors (HF
state-dict names, `convbert.` prefix optional; keys the bare model lacks, such as
task heads, are ignored, a missing key is an error), and writes `torch.onnx.export`
of its forward pass: inputs input_ids, attention_mask, token_type_ids (int64, dynamic
`batch` and `sequence` axes), output last_hidden_state, opset 17, TorchScript exporter
(the route HF's ONNX export takes). Needs torch, transformers, onnx, safetensors: run
it from a venv outside the repository (e.g. /work/venv-onnx).
"""
import json
import sys

import torch
from safetensors.torch import load_file
from transformers import ConvBertConfig, ConvBertModel


def main(config_path: str, weights_path: str, out_path: str) -> None:
    with open(config_path, encoding="utf-8") as f:
        config = ConvBertConfig(**json.load(f))
    config.attn_implementation = "eager"
    model = ConvBertModel(config).eval()
    state = {k.removeprefix("convbert."): v for k, v in load_file(weights_path).items()}
    missing, _unexpected = model.load_state_dict(state, strict=False)
    if missing:
        raise SystemExit(f"{weights_path}: missing weights {missing[:5]}")

    batch, seq = 2, 16
    inputs = (
        torch.randint(0, config.vocab_size, (batch, seq)),
        torch.ones(batch, seq, dtype=torch.int64),
        torch.zeros(batch, seq, dtype=torch.int64),
    )
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            inputs,
            out_path,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
