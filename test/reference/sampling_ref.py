#!/usr/bin/env python3
"""Independent NumPy reference for the sampler's penalties and filters.

Written from vLLM's definitions, not from the C++ code:
  - penalties, vllm/model_executor/layers/utils.py (apply_penalties) with
    vllm/_custom_ops.py (apply_repetition_penalties_torch): bin counts of the
    prompt and the output tokens, then in float32
      repetition: for ids in the prompt or the output,
                  logit / r if logit > 0 else logit * r
      frequency:  logits -= f * output_counts
      presence:   logits -= p * (output_counts > 0)
  - the order of vllm/v1/sample/sampler.py: penalties, then greedy (argmax)
    when the temperature is 0, else logits / T, then min_p
    (vllm/v1/sample/logits_processor/builtin.py, MinPLogitsProcessor: drop
    tokens whose probability is below min_p times the largest), then top-k
    and top-p (vllm/v1/sample/ops/topk_topp_sampler.py: sort ascending, keep
    values >= the k-th largest; mask where the ascending cumulative
    probability is <= 1 - p, keeping at least the most likely token).
The filters run in float64.

  sampling_ref.py CASES.json OUT.json

CASES.json: {"cases": [{"logits": [...], "prompt": [...], "output": [...],
"temperature", "top_k", "top_p", "min_p", "repetition_penalty",
"frequency_penalty", "presence_penalty"}]}. OUT.json: one entry per case,
{"penalized": [...], "greedy": id} or {"penalized": [...], "ids": [...],
"probs": [...]} with the ids of nonzero probability in id order.
"""
import json
import sys

import numpy as np


def bin_counts(tokens, vocab):
    # vLLM pads with `vocab`, hence vocab + 1 bins, the last one dropped.
    counts = np.zeros(vocab + 1, dtype=np.int64)
    if tokens:
        np.add.at(counts, np.asarray(tokens, dtype=np.int64), 1)
    return counts[:vocab]


def penalize(case):
    logits = np.asarray(case["logits"], dtype=np.float32)
    vocab = logits.shape[0]
    prompt_mask = bin_counts(case["prompt"], vocab) > 0
    output_counts = bin_counts(case["output"], vocab)
    output_mask = output_counts > 0
    r = np.float32(case["repetition_penalty"])
    penalties = np.where(prompt_mask | output_mask, r, np.float32(1.0))
    logits = np.where(logits > 0, logits / penalties, logits * penalties)
    logits = logits.astype(np.float32)
    logits -= np.float32(case["frequency_penalty"]) * output_counts.astype(np.float32)
    logits -= np.float32(case["presence_penalty"]) * output_mask.astype(np.float32)
    return logits


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def distribution(penalized, case):
    x = penalized.astype(np.float64) / np.float64(case["temperature"])
    vocab = x.shape[0]
    min_p = case["min_p"]
    if min_p > 0:
        probs = softmax(x)
        x[probs < min_p * probs.max()] = -np.inf
    k = case["top_k"]
    if 0 < k < vocab:
        kth = np.sort(x)[vocab - k]
        x[x < kth] = -np.inf
    p = case["top_p"]
    if p < 1:
        order = np.argsort(x, kind="stable")
        cumulative = np.cumsum(softmax(x[order]))
        drop = cumulative <= 1 - p
        drop[-1] = False
        x[order[drop]] = -np.inf
    probs = softmax(x)
    ids = np.nonzero(probs > 0)[0]
    return [int(i) for i in ids], [float(probs[i]) for i in ids]


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    out = []
    for case in cases:
        penalized = penalize(case)
        entry = {"penalized": [float(v) for v in penalized]}
        if case["temperature"] == 0:
            entry["greedy"] = int(np.argmax(penalized))
        else:
            entry["ids"], entry["probs"] = distribution(penalized, case)
        out.append(entry)
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
