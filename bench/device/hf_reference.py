#!/usr/bin/env python3
"""The Hugging Face side of the device run: the same model as convspec's, its
weights, float64 references, and PyTorch timings on the same inputs.

  hf_reference.py --config models/conv-bert-base/config.json --work DIR --out OUT
                  [--cases b1l128,b8l512] [--reps 20] [--seconds 150] [--seed 0] [--device auto|cuda|cpu]

Writes (see bench/device/reference.ts and results.ts, which read them):
  DIR/weights.safetensors          ConvBertModel's float32 weights, HF names
  DIR/<case>/inputs.json           the inputs both sides run
  DIR/<case>/last_hidden_state.f64 the float64 forward, raw little-endian
  DIR/reference.json               the manifest, rewritten after every case
  OUT/results/hf-<variant>-<case>.json   one row per variant and case
  OUT/hf-env.json                  torch, transformers, device

Variants: eager fp32 with TF32 off (hf-eager-fp32), TF32 on (hf-tf32), fp16
(hf-fp16), a CUDA-graph replay of fp32 (hf-cudagraph-fp32: PyTorch's GPU-time
floor). Off CUDA only eager fp32 runs; the others are recorded as skipped.
Wall time: inputs uploaded, forward, last_hidden_state copied back (as convspec
measures); GPU time: CUDA events around the model call (or graph replay).
"""
import argparse
import copy
import json
import os
import re
import statistics
import sys
import time

import torch
from safetensors.torch import save_file
from transformers import ConvBertConfig, ConvBertModel
import transformers

VARIANTS = ["hf-eager-fp32", "hf-tf32", "hf-fp16", "hf-cudagraph-fp32"]
TOLERANCE = {"hf-eager-fp32": 1e-3, "hf-cudagraph-fp32": 1e-3}  # the others: error reported, not checked


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def build_model(config_path, seed):
    with open(config_path) as f:
        config = ConvBertConfig.from_dict(json.load(f))
    torch.manual_seed(seed)
    model = ConvBertModel(config).eval()
    # Perturb what HF initialises to constants (biases 0, LayerNorm weights 1): zeros and ones hide bugs.
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + (torch.rand(p.shape, generator=g) - 0.5) * 0.2)
            elif name.endswith("bias"):
                p.copy_((torch.rand(p.shape, generator=g) - 0.5) * 0.2)
    return config, model


def make_inputs(batch, seq_len, vocab, type_vocab):
    """bench/device/bench.ts syntheticInputs: ids spread over the vocabulary, odd rows padded at the end, token type 1 in the second half."""
    ids = [[((b * seq_len + t) * 7919 + 13) % vocab for t in range(seq_len)] for b in range(batch)]
    pad = lambda b: (b % 2) * min(3, seq_len - 1)
    mask = [[0 if t >= seq_len - pad(b) else 1 for t in range(seq_len)] for b in range(batch)]
    types = [[1 if type_vocab > 1 and t >= seq_len / 2 else 0 for t in range(seq_len)] for b in range(batch)]
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def stats(samples):
    return {"median": statistics.median(samples), "min": min(samples), "n": len(samples)}


def repeat(reps, until, once):
    samples = []
    while len(samples) < reps and (not samples or time.perf_counter() < until):
        samples.append(once())
    return samples


def max_abs_err(out, expected64):
    return float((out.double() - expected64).abs().max().item())


def run_variant(variant, model32, host, expected64, dev, reps, until):
    """One row: returns (wall stats, gpu stats or None, max abs err)."""
    cuda = dev.type == "cuda"
    torch.backends.cuda.matmul.allow_tf32 = variant == "hf-tf32"
    torch.backends.cudnn.allow_tf32 = variant == "hf-tf32"
    model = copy.deepcopy(model32).half() if variant == "hf-fp16" else model32
    on_dev = {k: v.to(dev) for k, v in host.items()}

    if variant == "hf-cudagraph-fp32":
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                model(**on_dev)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            static_out = model(**on_dev).last_hidden_state

        def forward():
            for k, v in host.items():
                on_dev[k].copy_(v)
            graph.replay()
            return static_out.cpu()

        def compute():
            graph.replay()
    else:
        def forward():
            return model(**{k: v.to(dev) for k, v in host.items()}).last_hidden_state.cpu()

        def compute():
            model(**on_dev)

    first = forward()
    err = max_abs_err(first, expected64)
    forward()  # warm-up

    def wall_once():
        start = time.perf_counter()
        forward()
        return (time.perf_counter() - start) * 1e3

    wall = repeat(reps, until, wall_once)
    gpu = None
    if cuda:
        begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)

        def gpu_once():
            begin.record()
            compute()
            end.record()
            torch.cuda.synchronize()
            return begin.elapsed_time(end)

        gpu = repeat(reps, until, gpu_once)
    if model is not model32:
        del model
    return stats(wall), stats(gpu) if gpu else None, err


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", default="b1l128,b8l128,b1l512,b8l512")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=150)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"])
    args = ap.parse_args()
    deadline = time.perf_counter() + args.seconds
    dev = torch.device("cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu")
    device_name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)"
    write_json(os.path.join(args.out, "hf-env.json"), {
        "torch": torch.__version__, "transformers": transformers.__version__, "cuda": torch.version.cuda,
        "device": device_name, "python": sys.version.split()[0],
    })

    config, model = build_model(args.config, args.seed)
    os.makedirs(args.work, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items() if v.dtype.is_floating_point}
    save_file(state, os.path.join(args.work, "weights.safetensors"), metadata={"seed": str(args.seed), "source": "bench/device/hf_reference.py"})
    model32 = model.to(dev)
    model64 = copy.deepcopy(model).double().to(dev)
    manifest = {"model": os.path.basename(os.path.dirname(os.path.abspath(args.config))), "seed": args.seed, "weights": "weights.safetensors", "device": device_name, "cases": []}
    print(f"HF ConvBertModel ({sum(p.numel() for p in model.parameters()):,} parameters) on {device_name}, torch {torch.__version__}, transformers {transformers.__version__}", flush=True)

    cases = args.cases.split(",")
    failures = 0
    for i, name in enumerate(cases):
        m = re.fullmatch(r"b(\d+)l(\d+)", name)
        if not m:
            sys.exit(f"bad case '{name}' (expected e.g. b1l128)")
        batch, seq_len = int(m.group(1)), int(m.group(2))
        until_case = time.perf_counter() + (deadline - time.perf_counter()) / (len(cases) - i)
        inputs = make_inputs(batch, seq_len, config.vocab_size, config.type_vocab_size)
        write_json(os.path.join(args.work, name, "inputs.json"), inputs)
        host = {k: torch.tensor(v, dtype=torch.int64) for k, v in inputs.items()}
        with torch.inference_mode():
            expected64 = model64(**{k: v.to(dev) for k, v in host.items()}).last_hidden_state.cpu()
        expected64.numpy().astype("<f8").tofile(os.path.join(args.work, name, "last_hidden_state.f64"))
        manifest["cases"].append({"case": name, "batch": batch, "seqLen": seq_len, "inputs": f"{name}/inputs.json",
                                  "reference": f"{name}/last_hidden_state.f64", "shape": list(expected64.shape)})
        write_json(os.path.join(args.work, "reference.json"), manifest)

        for j, variant in enumerate(VARIANTS):
            record = {"runner": variant, "device": device_name, "case": name, "batch": batch, "seqLen": seq_len}
            until = time.perf_counter() + (until_case - time.perf_counter()) / (len(VARIANTS) - j)
            if dev.type != "cuda" and variant != "hf-eager-fp32":
                record.update(status="skipped", reason="CUDA only: torch sees no GPU")
            else:
                try:
                    with torch.inference_mode():
                        wall, gpu, err = run_variant(variant, model32, host, expected64, dev, args.reps, until)
                    tol = TOLERANCE.get(variant)
                    record.update(status="ok", wallMs=wall, gpuMs=gpu, maxAbsErr=err, tolerance=tol)
                    failures += tol is not None and err > tol
                except Exception as e:  # one variant failing (e.g. graph capture) must not lose the others
                    record.update(status="failed", reason=f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
                    failures += 1
            write_json(os.path.join(args.out, "results", f"{variant}-{name}.json"), record)
            if record["status"] == "ok":
                gpu_text = f", GPU {record['gpuMs']['median']:.2f} ms" if record["gpuMs"] else ""
                print(f"{variant} B{batch} L{seq_len}: wall {record['wallMs']['median']:.2f} ms (n={record['wallMs']['n']}){gpu_text}, "
                      f"max abs err vs f64 {record['maxAbsErr']:.2e}", flush=True)
            else:
                print(f"{variant} B{batch} L{seq_len}: {record['status']}: {record['reason']}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
