#!/usr/bin/env python3
"""Independent NumPy reference for Llama-family models (Llama, Mistral, Qwen2, Qwen3).

Reads config.json and safetensors (single file or sharded index) by hand,
runs the full causal forward pass without a KV cache, and prints or writes
logits / a greedy continuation. Used by test/unit/model to check the C++
runtime; deliberately written from the Hugging Face definitions, not from
the C++ code.

  llama_ref.py MODEL_DIR --tokens 1,2,3 --logits out.f32      # [T, vocab] float32 LE
  llama_ref.py MODEL_DIR --tokens 1,2,3 --greedy 16            # prints ids
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"),
          "F64": np.dtype("<f8")}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    base = 8 + n
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = np.frombuffer(blob, dtype=DTYPES[entry["dtype"]], count=(end - begin) //
                            DTYPES[entry["dtype"]].itemsize, offset=base + begin)
        if entry["dtype"] == "BF16":
            arr = (raw.astype(np.uint32) << 16).view(np.float32)
        else:
            arr = raw.astype(np.float32)
        out[name] = arr.reshape(entry["shape"])
    return out


def load_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        weights = {}
        for shard in sorted(set(weight_map.values())):
            weights.update(read_safetensors(os.path.join(model_dir, shard)))
        return weights
    return read_safetensors(os.path.join(model_dir, "model.safetensors"))


class Model:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.cfg = json.load(f)
        c = self.cfg
        self.w = load_weights(model_dir)
        self.arch = c["architectures"][0]
        self.n_layers = c["num_hidden_layers"]
        self.n_heads = c["num_attention_heads"]
        self.n_kv = c.get("num_key_value_heads") or self.n_heads
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.n_heads
        self.eps = c.get("rms_norm_eps", 1e-6)
        self.inv_freq = self.rope_inv_freq()

    def rope_inv_freq(self):
        c = self.cfg
        d = self.head_dim
        inv = 1.0 / (c.get("rope_theta", 10000.0) ** (np.arange(0, d, 2, dtype=np.float64) / d))
        rs = c.get("rope_scaling")
        if not rs or (rs.get("rope_type") or rs.get("type")) in (None, "default"):
            return inv
        assert (rs.get("rope_type") or rs.get("type")) == "llama3"
        factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = np.where(wavelen > old / lo, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wavelen >= old / hi) & (wavelen <= old / lo)
        return np.where(medium, smoothed, scaled)

    def rmsnorm(self, x, weight):
        var = np.mean(x.astype(np.float64) ** 2, axis=-1, keepdims=True)
        return (x / np.sqrt(var + self.eps)).astype(np.float32) * weight

    def rope(self, x, positions):
        # x: [T, heads, D]; HF rotate_half: pairs (i, i + D/2).
        ang = positions[:, None].astype(np.float64) * self.inv_freq[None, :]
        cos = np.concatenate([np.cos(ang)] * 2, axis=-1)[:, None, :]
        sin = np.concatenate([np.sin(ang)] * 2, axis=-1)[:, None, :]
        half = self.head_dim // 2
        rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
        return (x * cos + rotated * sin).astype(np.float32)

    def logits(self, tokens):
        w = self.w
        T = len(tokens)
        D = self.head_dim
        pos = np.arange(T)
        x = w["model.embed_tokens.weight"][np.array(tokens)]
        mask = np.triu(np.full((T, T), -np.inf, dtype=np.float64), k=1)
        for i in range(self.n_layers):
            p = "model.layers.%d." % i
            h = self.rmsnorm(x, w[p + "input_layernorm.weight"])
            q = h @ w[p + "self_attn.q_proj.weight"].T
            k = h @ w[p + "self_attn.k_proj.weight"].T
            v = h @ w[p + "self_attn.v_proj.weight"].T
            if p + "self_attn.q_proj.bias" in w:
                q = q + w[p + "self_attn.q_proj.bias"]
                k = k + w[p + "self_attn.k_proj.bias"]
                v = v + w[p + "self_attn.v_proj.bias"]
            q = q.reshape(T, self.n_heads, D)
            k = k.reshape(T, self.n_kv, D)
            v = v.reshape(T, self.n_kv, D)
            if p + "self_attn.q_norm.weight" in w:
                q = self.rmsnorm(q, w[p + "self_attn.q_norm.weight"])
                k = self.rmsnorm(k, w[p + "self_attn.k_norm.weight"])
            q = self.rope(q, pos)
            k = self.rope(k, pos)
            rep = self.n_heads // self.n_kv
            k = np.repeat(k, rep, axis=1)  # [T, H, D], head h uses kv head h // rep
            v = np.repeat(v, rep, axis=1)
            scores = np.einsum("thd,shd->hts", q.astype(np.float64), k.astype(np.float64))
            scores = scores / math.sqrt(D) + mask[None]
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            probs = scores / scores.sum(axis=-1, keepdims=True)
            attn = np.einsum("hts,shd->thd", probs, v.astype(np.float64))
            attn = attn.reshape(T, self.n_heads * D).astype(np.float32)
            x = x + attn @ w[p + "self_attn.o_proj.weight"].T
            h = self.rmsnorm(x, w[p + "post_attention_layernorm.weight"])
            g = h @ w[p + "mlp.gate_proj.weight"].T
            u = h @ w[p + "mlp.up_proj.weight"].T
            act = (g / (1.0 + np.exp(-g.astype(np.float64)))).astype(np.float32) * u
            x = x + act @ w[p + "mlp.down_proj.weight"].T
        x = self.rmsnorm(x, w["model.norm.weight"])
        head = w.get("lm_head.weight")
        if head is None or self.cfg.get("tie_word_embeddings"):
            head = w["model.embed_tokens.weight"]
        return (x @ head.T).astype(np.float32)

    def greedy(self, tokens, steps):
        tokens = list(tokens)
        out = []
        for _ in range(steps):
            nxt = int(np.argmax(self.logits(tokens)[-1]))
            out.append(nxt)
            tokens.append(nxt)
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir")
    ap.add_argument("--tokens", required=True, help="comma-separated token ids")
    ap.add_argument("--logits", help="write [T, vocab] float32 little-endian logits here")
    ap.add_argument("--greedy", type=int, default=0, help="print this many greedy tokens")
    args = ap.parse_args()
    tokens = [int(t) for t in args.tokens.split(",") if t]
    model = Model(args.model_dir)
    if args.logits:
        model.logits(tokens).astype("<f4").tofile(args.logits)
    if args.greedy:
        print(",".join(str(t) for t in model.greedy(tokens, args.greedy)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
