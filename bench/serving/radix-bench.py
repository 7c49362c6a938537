#!/usr/bin/python3
"""radix-bench: sglrun batch mode with the radix prefix cache on vs off
(--no-radix-cache), on two serving workloads of fixed shape, in one run.

    /usr/bin/python3 bench/serving/radix-bench.py [--model DIR | --shape S]
        [--threads N]
        [--bin DIR] [--quick] [--format md|csv|json]

Workloads (token counts measured with the model's own tokenizer; the run
prints the measured mean prompt length next to the target):

  few-shot    one fixed ~600-token 5-shot prompt (program text) shared by
              256 questions of ~30 tokens (the argument); max_tokens 16,
              greedy.
  multi-turn  64 sessions x 4 turns sent as separate requests, session by
              session: a ~300-token system prompt shared by every session,
              ~40-token user turns, 32-token answers (greedy). Turn k's
              instance carries the whole history so far, as a chat API
              client sends it: the earlier user turns and fixed synthetic
              ~32-token answers as given text.

How the history is passed: the program is
    system { SYSTEM } history user { message } assistant { gen answer }
with `history` one argument holding the earlier messages already rendered in
the model's chat format (Llama 3 headers and <|eot_id|>, or ChatML), run with
--allow-special-tokens-in-args so those spellings become the control tokens,
exactly what the template renders for role blocks. A program's role blocks
are fixed when it is compiled, so one argument per message would need one
program per turn depth and one sglrun process per depth, each with its own
cache; one program takes every turn depth, so all 256 requests go through
one JSONL in one process, session by session, as a server would see them.
A model without a known chat template gets "User:"/"Assistant:" text.

Each workload runs twice with the same model, threads and inputs, cache on
and off; the records must be identical (the engine is batch invariant), else
the run reports the mismatch and exits 1. The default model is a random-weight
Llama made by sgl-make-tiny-model with the Llama 3 tokenizer, of the 350M
shape (--shape small: a smaller one; the shape is printed), cached under
$XDG_CACHE_HOME/sgl/radix-bench.

The table goes to stdout, progress to stderr; `--format json` output is what
bench/serving/plot.py draws.
"""
import argparse
import csv
import hashlib
import io
import json
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROG = "radix-bench"

# Model shapes sgl-make-tiny-model builds (random weights, cached). The
# default is the 350M Llama shape the batched-decode benchmark uses: on it
# a prompt token costs ~40% of a decoded one (a decode row also runs the
# 128k-vocabulary LM head), closer to a real checkpoint than `small`, whose
# LM head is four times all its layers and makes a decode row cost five
# prompt tokens; `small` runs in a third of the time.
SHAPES = {
    "350m": {
        "layers": 8,
        "hidden": 1024,
        "heads": 16,
        "kv-heads": 4,
        "intermediate": 2816,
        "dtype": "f32",
        "seed": 0,
    },
    "small": {
        "layers": 6,
        "hidden": 384,
        "heads": 6,
        "kv-heads": 2,
        "intermediate": 1536,
        "dtype": "f32",
        "seed": 0,
        "tie-embeddings": True,
    },
}

# Shape targets (tokens).
FEWSHOT_PROMPT_TOKENS = 600
FEWSHOT_QUESTION_TOKENS = 30
FEWSHOT_MAX_TOKENS = 16
CHAT_SYSTEM_TOKENS = 300
CHAT_USER_TOKENS = 40
CHAT_ANSWER_TOKENS = 32
CHAT_TURNS = 4

# Text lengths in words that land near the token targets with the Llama 3
# tokenizer (about 1.11 tokens per word for this word list with punctuation);
# checked by the measured means the run prints.
WORDS_PER_TOKEN = 1 / 1.11

# --- synthetic text -------------------------------------------------------

SUBJECTS = """river mountain city engine library teacher farmer doctor planet
garden market bridge village ocean forest machine student council harbor
factory museum kitchen island desert castle station network window country
molecule battery volcano glacier satellite vaccine orchestra bakery
telescope railway hospital festival tribe empire""".split()
VERBS = """builds carries measures protects describes connects produces changes
explains follows supports crosses reaches divides collects prepares studies
records repairs shapes feeds warms cools lifts guards opens""".split()
ADJECTIVES = """old large small bright quiet early modern ancient narrow wide
careful simple strong gentle famous common rare distant local northern
southern eastern western busy frozen golden heavy""".split()
OBJECTS = """water stone bread light music paper metal salt grain energy
silk timber copper cotton coffee gold glass rice wool honey oil iron""".split()
TAILS = """during the winter|in most regions|for many years|near the coast|
after the war|before sunrise|across the valley|in the capital|along the road|
under the old rules|at the end of the season|on the northern side""".replace(
    "\n", "").split("|")
QWORDS = ["Which", "What", "How many", "Why does", "Where does", "When did"]


def sentence(rng):
    s = (f"The {rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)} "
         f"{rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(OBJECTS)} "
         f"{rng.choice(TAILS)}")
    if rng.random() < 0.4:
        s += f" and the {rng.choice(SUBJECTS)} {rng.choice(VERBS)} it"
    return s + "."


def prose(rng, tokens):
    """Sentences of about `tokens` tokens (never cut inside a sentence)."""
    words_wanted = tokens * WORDS_PER_TOKEN
    out, words = [], 0
    while True:
        s = sentence(rng)
        n = len(s.split())
        # Stop where the length is closest to the target.
        if out and words + n / 2 > words_wanted:
            return " ".join(out)
        out.append(s)
        words += n


def question(rng, tokens):
    """A question of about `tokens` tokens."""
    q = (f"{rng.choice(QWORDS)} the {rng.choice(ADJECTIVES)} "
         f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)[:-1]} "
         f"{rng.choice(OBJECTS)} {rng.choice(TAILS)}")
    words_wanted = tokens * WORDS_PER_TOKEN
    while len(q.split()) < words_wanted - 4:
        q += (f", given that the {rng.choice(SUBJECTS)} "
              f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}")
    return q + "?"


def sgl_string(text):
    """`text` as one .sgl string literal."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + out.replace("{", "{{").replace("}", "}}") + '"'


# --- workloads --------------------------------------------------------------

def fewshot_workload(n_questions):
    rng = random.Random(1)
    header = ("The following are questions about a made-up world, each "
              "followed by a short answer that explains it.\n\n")
    # 5 shots share what is left of the ~600 tokens after the header.
    per_shot = (FEWSHOT_PROMPT_TOKENS - 10) / 5
    shots = []
    for _ in range(5):
        q = question(rng, FEWSHOT_QUESTION_TOKENS)
        a = prose(rng, per_shot - FEWSHOT_QUESTION_TOKENS - 5)
        shots.append(f"Question: {q}\nAnswer: {a}\n\n")
    prompt = header + "".join(shots)
    source = (
        "// few-shot: one fixed 5-shot prompt, one question per instance.\n"
        "program fewshot(question: str) {\n"
        f"  {sgl_string(prompt)}\n"
        '  "Question: {question}\\nAnswer:"\n'
        f"  gen answer(max_tokens: {FEWSHOT_MAX_TOKENS}, temperature: 0)\n"
        "}\n")
    qrng = random.Random(2)
    lines = [{"question": question(qrng, FEWSHOT_QUESTION_TOKENS)}
             for _ in range(n_questions)]
    # Target: the prompt, the question, "Question: ...\nAnswer:" and BOS.
    target = FEWSHOT_PROMPT_TOKENS + FEWSHOT_QUESTION_TOKENS + 6
    return {"name": "few-shot", "source": source, "program": "fewshot",
            "lines": lines, "special_args": False,
            "target_prompt_tokens": target,
            "shape": (f"{n_questions} questions x ~{FEWSHOT_QUESTION_TOKENS} "
                      f"tok after a ~{FEWSHOT_PROMPT_TOKENS}-tok 5-shot prompt, "
                      f"max_tokens {FEWSHOT_MAX_TOKENS}")}


class ChatFormat:
    """Renders earlier messages as the sglrun chat template does."""

    def __init__(self, kind):
        self.kind = kind  # "llama3", "chatml" or None (plain text)

    def message(self, role, content):
        if self.kind == "llama3":
            return (f"<|start_header_id|>{role}<|end_header_id|>\n\n"
                    f"{content}<|eot_id|>")
        if self.kind == "chatml":
            return f"<|im_start|>{role}\n{content}<|im_end|>\n"
        return f"{role.capitalize()}: {content}\n"

    # Tokens the template adds: (per message, once at the start).
    def overhead(self):
        return {"llama3": (5, 1), "chatml": (5, 0)}.get(self.kind, (3, 1))


def chat_workload(n_sessions, fmt):
    rng = random.Random(3)
    system = ("You are the help desk of a made-up world. Answer in two short "
              "sentences and stay consistent with these notes. " +
              prose(rng, CHAT_SYSTEM_TOKENS - 18))
    if fmt.kind:
        source = (
            "// multi-turn chat: one turn per instance; `history` is the\n"
            "// earlier messages, rendered in the chat format.\n"
            "program chat(history: str, message: str) {\n"
            f"  system {{ {sgl_string(system)} }}\n"
            "  history\n"
            "  user { message }\n"
            f"  assistant {{ gen answer(max_tokens: {CHAT_ANSWER_TOKENS}, "
            "temperature: 0) }\n"
            "}\n")
    else:
        source = (
            "program chat(history: str, message: str) {\n"
            f"  {sgl_string('System: ' + system + chr(10))}\n"
            "  history\n"
            '  "User: {message}\\nAssistant:"\n'
            f"  gen answer(max_tokens: {CHAT_ANSWER_TOKENS}, temperature: 0)\n"
            "}\n")
    lines = []
    for _ in range(n_sessions):
        history = ""
        for _turn in range(CHAT_TURNS):
            user = prose(rng, CHAT_USER_TOKENS - 5).rstrip(".") + "?"
            user = "Tell me about this: " + user
            lines.append({"history": history, "message": user})
            answer = prose(rng, CHAT_ANSWER_TOKENS)  # the fixed "reply"
            history += fmt.message("user", user) + fmt.message("assistant",
                                                               answer)
    per_msg, once = fmt.overhead()
    mean_pairs = (CHAT_TURNS - 1) / 2
    target = (once + CHAT_SYSTEM_TOKENS + per_msg
              + mean_pairs * (CHAT_USER_TOKENS + CHAT_ANSWER_TOKENS
                              + 2 * per_msg)
              + CHAT_USER_TOKENS + per_msg + (4 if fmt.kind else 3))
    return {"name": "multi-turn", "source": source, "program": "chat",
            "lines": lines, "special_args": bool(fmt.kind),
            "target_prompt_tokens": round(target),
            "shape": (f"{n_sessions} sessions x {CHAT_TURNS} turns, "
                      f"~{CHAT_SYSTEM_TOKENS}-tok system prompt, "
                      f"~{CHAT_USER_TOKENS}-tok user turns, "
                      f"{CHAT_ANSWER_TOKENS}-tok answers, chat format "
                      f"{fmt.kind or 'plain text'}")}


# --- model --------------------------------------------------------------------

def chat_kind(model_dir):
    """The chat template sglrun would use for `model_dir` (as ChatTemplate::
    detect): "llama3", "chatml" or None."""
    d = pathlib.Path(model_dir)
    jinja = ""
    try:
        cfg = json.loads((d / "tokenizer_config.json").read_text())
        t = cfg.get("chat_template")
        if isinstance(t, str):
            jinja = t
        elif isinstance(t, list):
            bodies = [e.get("template", "") for e in t if isinstance(e, dict)]
            named = [e.get("template", "") for e in t
                     if isinstance(e, dict) and e.get("name") == "default"]
            jinja = (named or bodies or [""])[0]
    except (OSError, ValueError):
        pass
    if not jinja and (d / "chat_template.jinja").exists():
        jinja = (d / "chat_template.jinja").read_text()
    if "<|start_header_id|>" in jinja:
        return "llama3"
    if "<|im_start|>" in jinja:
        return "chatml"
    if jinja:
        return None
    try:
        tok = json.loads((d / "tokenizer.json").read_text())
        added = {t.get("content") for t in tok.get("added_tokens", [])}
    except (OSError, ValueError):
        return None
    if {"<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"} <= added:
        return "llama3"
    if {"<|im_start|>", "<|im_end|>"} <= added:
        return "chatml"
    return None


def describe_model(model_dir):
    try:
        c = json.loads((pathlib.Path(model_dir) / "config.json").read_text())
    except (OSError, ValueError):
        return str(model_dir)
    hidden = c.get("hidden_size")
    heads = c.get("num_attention_heads")
    head_dim = c.get("head_dim") or (hidden // heads if hidden and heads
                                     else None)
    return (f"{c.get('model_type', '?')} {c.get('num_hidden_layers')}L "
            f"hidden {hidden} heads {heads}/{c.get('num_key_value_heads')} "
            f"head_dim {head_dim} intermediate {c.get('intermediate_size')} "
            f"vocab {c.get('vocab_size')} {c.get('torch_dtype', '?')}"
            f"{' tied' if c.get('tie_word_embeddings') else ''}")


def default_model(bin_dir, tokenizer, shape_name):
    shape = dict(SHAPES[shape_name])
    tok_json = pathlib.Path(tokenizer) / "tokenizer.json"
    if not tok_json.exists():
        die(f"no tokenizer at {tok_json} (pass --tokenizer DIR or --model DIR)")
    key = hashlib.sha256(
        (json.dumps(shape, sort_keys=True) + "\0").encode()
        + tok_json.read_bytes()).hexdigest()[:12]
    cache = pathlib.Path(os.environ.get("XDG_CACHE_HOME")
                         or pathlib.Path.home() / ".cache") / "sgl" / PROG
    name = (f"llama-{shape['layers']}L-h{shape['hidden']}-"
            f"i{shape['intermediate']}-{key}")
    out = cache / name
    if (out / "config.json").exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=name + ".", dir=cache))
    cmd = [str(bin_dir / "sgl-make-tiny-model"), "--tokenizer", str(tokenizer)]
    for k, v in shape.items():
        cmd += [f"--{k}"] if v is True else [f"--{k}", str(v)]
    cmd.append(str(tmp / "m"))
    log(f"building the model: {' '.join(cmd)}")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    try:
        (tmp / "m").rename(out)
    except OSError:  # another run made it first
        pass
    shutil.rmtree(tmp, ignore_errors=True)
    return out


# --- running ------------------------------------------------------------------

SUMMARY = {
    "instances": re.compile(r"instances:\s+(\d+) \((\d+) ok, (\d+) failed\)"),
    "prompt": re.compile(r"prompt tokens:\s+(\d+) \((\d+) computed, (\d+) "
                         r"from cache"),
    "output": re.compile(r"output tokens:\s+(\d+)(?: \(([\d.]+) tokens/s\))?"),
    "pages": re.compile(r"peak KV pages:\s+(\d+)(?: of (\d+))?"),
    "wall": re.compile(r"wall time:\s+(.+)"),
    "stats": re.compile(r"sglrun: (\d+) forward steps, (\d+) prompt tokens "
                        r"computed \((\d+) recomputed\), (\d+) decode tokens, "
                        r"(\d+) retractions, ([\d.]+) s in the forward pass"),
}


def parse_duration(text):
    text = text.strip()
    m = re.fullmatch(r"(?:(\d+)h )?(?:(\d+)m )?([\d.]+)s", text)
    if not m:
        raise ValueError(f"unreadable wall time {text!r}")
    h, mi, s = m.groups()
    return int(h or 0) * 3600 + int(mi or 0) * 60 + float(s)


def parse_summary(stderr):
    if "batch summary:" not in stderr:
        raise ValueError("no 'batch summary:' block on stderr")
    found = {}
    for key, rx in SUMMARY.items():
        m = rx.search(stderr)
        if not m:
            raise ValueError(f"no '{key}' line in the summary")
        found[key] = m.groups()
    inst, ok, failed = map(int, found["instances"])
    prompt, computed, cached = map(int, found["prompt"])
    out_tokens = int(found["output"][0])
    rate = float(found["output"][1]) if found["output"][1] else None
    wall = parse_duration(found["wall"][0])
    # The summary prints minutes as whole seconds; the rate has 5 digits.
    if rate and out_tokens:
        wall = out_tokens / rate
    steps, computed2, recomputed, decode, retractions, fwd = found["stats"]
    if int(computed2) != computed:
        raise ValueError(f"--stats says {computed2} prompt tokens computed, "
                         f"the summary {computed}")
    if prompt != computed - int(recomputed) + cached:
        log(f"note: prompt tokens {prompt} != computed {computed} - "
            f"recomputed {recomputed} + from cache {cached}")
    return {"instances": inst, "ok": ok, "failed": failed,
            "prompt_tokens": prompt, "computed": computed, "cached": cached,
            "hit_rate": cached / prompt if prompt else 0.0,
            "output_tokens": out_tokens, "wall_s": wall,
            "output_tok_s": out_tokens / wall if wall else 0.0,
            "instances_s": inst / wall if wall else 0.0,
            "peak_kv_pages": int(found["pages"][0]),
            "kv_pages": int(found["pages"][1] or 0),
            "forward_steps": int(steps), "recomputed": int(recomputed),
            "decode_tokens": int(decode), "retractions": int(retractions),
            "forward_s": float(fwd)}


def run_one(bins, work, wl, plan, model, threads, cache_on, extra):
    tag = f"{wl['name']}-{'on' if cache_on else 'off'}"
    out = work / f"{tag}.out.jsonl"
    cmd = [str(bins["sglrun"]), str(plan), "--model", str(model),
           "--inputs", str(work / f"{wl['name']}.jsonl"), "--output", str(out),
           "--threads", str(threads), "--stats"] + extra
    if wl["special_args"]:
        cmd.append("--allow-special-tokens-in-args")
    if not cache_on:
        cmd.append("--no-radix-cache")
    log(f"{tag}: {' '.join(cmd)}")
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    elapsed = time.monotonic() - start
    (work / f"{tag}.stderr").write_text(p.stderr)
    summary_text = p.stderr[p.stderr.find("batch summary:"):]
    if p.returncode != 0:
        die(f"{tag}: sglrun exited {p.returncode}; stderr:\n{p.stderr[-4000:]}"
            f"\nreproduce: {' '.join(cmd)}")
    try:
        r = parse_summary(p.stderr)
    except ValueError as e:
        die(f"{tag}: {e}; stderr:\n{p.stderr[-4000:]}\nreproduce: {' '.join(cmd)}")
    log(f"{tag}: {summary_text.strip()}".replace("\n", "\n    "))
    r.update(workload=wl["name"], cache="on" if cache_on else "off",
             process_s=elapsed, command=cmd, records=out)
    return r


def compare_outputs(on, off):
    a = pathlib.Path(on).read_text().splitlines()
    b = pathlib.Path(off).read_text().splitlines()
    diffs = [i for i in range(max(len(a), len(b)))
             if (a[i] if i < len(a) else None) != (b[i] if i < len(b) else None)]
    return len(a), diffs, a, b


# --- output -------------------------------------------------------------------

COLUMNS = ["workload", "cache", "prompt tokens", "computed", "from cache",
           "hit rate", "wall s", "output tok/s", "instances/s"]


def row(r):
    return [r["workload"], r["cache"], r["prompt_tokens"], r["computed"],
            r["cached"], f"{100 * r['hit_rate']:.1f}%", f"{r['wall_s']:.2f}",
            f"{r['output_tok_s']:.1f}", f"{r['instances_s']:.2f}"]


def ratios(results, wl):
    on = next(r for r in results if r["workload"] == wl and r["cache"] == "on")
    off = next(r for r in results if r["workload"] == wl and r["cache"] == "off")
    return {"workload": wl,
            "computed_off_over_on": off["computed"] / max(on["computed"], 1),
            "throughput_on_over_off": (on["output_tok_s"] / off["output_tok_s"]
                                       if off["output_tok_s"] else 0.0),
            "outputs_identical": on["identical"]}


def print_md(meta, results, rat):
    print(f"model: {meta['model_shape']} ({meta['model']})")
    print(f"threads: {meta['threads']}; sglrun {meta['sglrun_options'] or '(defaults)'}"
          f"{'; --quick' if meta['quick'] else ''}")
    for w in meta["workloads"]:
        print(f"{w['name']}: {w['shape']}; mean prompt tokens "
              f"{w['mean_prompt_tokens']:.1f} (target ~{w['target_prompt_tokens']})")
    print()
    widths = [max(len(c), *(len(str(row(r)[i])) for r in results))
              for i, c in enumerate(COLUMNS)]
    left = {0, 1}

    def fmt(cells):
        return "| " + " | ".join(
            str(c).ljust(w) if i in left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    print(fmt(COLUMNS))
    print("| " + " | ".join(("-" * (w - 1) + ":") if i not in left else "-" * w
                            for i, w in enumerate(widths)) + " |")
    for r in results:
        print(fmt(row(r)))
    print()
    print("| workload | computed off/on | target | throughput on/off | target "
          "| outputs on = off |")
    print("| - | -: | -: | -: | -: | - |")
    for x in rat:
        print(f"| {x['workload']} | {x['computed_off_over_on']:.2f}x | >= 5x "
              f"| {x['throughput_on_over_off']:.2f}x | >= 3x "
              f"| {'yes' if x['outputs_identical'] else 'NO'} |")


def print_csv(meta, results, rat):
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["model", "threads"] + COLUMNS
               + ["output tokens", "peak KV pages", "forward steps",
                  "computed off/on", "throughput on/off", "outputs identical"])
    by = {x["workload"]: x for x in rat}
    for r in results:
        x = by[r["workload"]]
        w.writerow([meta["model_shape"], meta["threads"], r["workload"],
                    r["cache"], r["prompt_tokens"], r["computed"], r["cached"],
                    f"{r['hit_rate']:.4f}", f"{r['wall_s']:.3f}",
                    f"{r['output_tok_s']:.2f}", f"{r['instances_s']:.3f}",
                    r["output_tokens"], r["peak_kv_pages"], r["forward_steps"],
                    f"{x['computed_off_over_on']:.3f}",
                    f"{x['throughput_on_over_off']:.3f}",
                    x["outputs_identical"]])


def json_doc(meta, results, rat):
    keep = [{k: v for k, v in r.items() if k != "records"} for r in results]
    return {"meta": meta, "results": keep, "ratios": rat}


def print_json(meta, results, rat):
    json.dump(json_doc(meta, results, rat), sys.stdout, indent=2)
    print()


# --- main -----------------------------------------------------------------------

def log(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def die(msg, code=1):
    print(f"{PROG}: error: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def main():
    ap = argparse.ArgumentParser(
        prog="radix-bench.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run with /usr/bin/python3; no packages needed.")
    ap.add_argument("--model", metavar="DIR",
                    help="Hugging Face model folder (default: a random-weight "
                         "Llama of --shape built with sgl-make-tiny-model "
                         "into the cache dir)")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="350m",
                    help="shape of the default model: " + "; ".join(
                        f"{n}: " + ", ".join(f"{k} {v}" for k, v in sh.items())
                        for n, sh in SHAPES.items()) + " (default: %(default)s)")
    ap.add_argument("--tokenizer", metavar="DIR",
                    default=str(ROOT / "build" / "tokenizers" / "llama3_1"),
                    help="tokenizer of the default model (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                    help="sglrun --threads for every run (default: %(default)s)")
    ap.add_argument("--bin", metavar="DIR", default=str(ROOT / "build" / "bin"),
                    help="where sglc, sglrun and sgl-make-tiny-model are "
                         "(default: %(default)s)")
    ap.add_argument("--quick", action="store_true",
                    help="scaled down for smoke tests: 16 questions, 8 sessions")
    ap.add_argument("--format", choices=["md", "csv", "json"], default="md")
    ap.add_argument("--json-out", metavar="FILE",
                    help="also write the JSON output (what plot.py reads) "
                         "to FILE, whatever --format is")
    ap.add_argument("--workload", choices=["few-shot", "multi-turn"],
                    action="append", help="run only this one (repeatable)")
    ap.add_argument("--sglrun-arg", action="append", default=[],
                    metavar="ARG", help="extra sglrun option for every run, "
                    "e.g. --sglrun-arg=--page-size=16 (repeatable)")
    ap.add_argument("--keep", metavar="DIR",
                    help="write programs, inputs and records here and keep them")
    args = ap.parse_args()

    bin_dir = pathlib.Path(args.bin)
    for tool in ("sglc", "sglrun"):
        if not os.access(bin_dir / tool, os.X_OK):
            die(f"no {tool} in {bin_dir} (build first, or pass --bin)")
    if args.threads < 1:
        die("--threads must be at least 1", 2)

    model = pathlib.Path(args.model) if args.model else default_model(
        bin_dir, args.tokenizer, args.shape)
    if not (model / "config.json").exists():
        die(f"{model}: no config.json")
    fmt = ChatFormat(chat_kind(model))

    if args.keep:
        work = pathlib.Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
        remove_work = False
    else:
        work = pathlib.Path(tempfile.mkdtemp(prefix=PROG + "."))
        remove_work = True  # kept when a run fails or outputs differ

    # Snapshot the binaries: a rebuild during the run must not give the
    # cache-on and cache-off runs different engines.
    bins = {}
    for tool in ("sglc", "sglrun"):
        bins[tool] = work / tool
        shutil.copy2(bin_dir / tool, bins[tool])

    n_q, n_s = (16, 8) if args.quick else (256, 64)
    workloads = [fewshot_workload(n_q), chat_workload(n_s, fmt)]
    if args.workload:
        workloads = [w for w in workloads if w["name"] in args.workload]

    # Read the weights once so that neither run pays for the page cache.
    for f in sorted(model.glob("*.safetensors")):
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass

    results, mismatch = [], False
    for wl in workloads:
        src = work / f"{wl['name']}.sgl"
        src.write_text(wl["source"])
        plan = work / f"{wl['name']}.sglp"
        p = subprocess.run([str(bins["sglc"]), str(src), "-o", str(plan)],
                           stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            die(f"sglc {src} failed:\n{p.stderr}")
        with open(work / f"{wl['name']}.jsonl", "w") as f:
            for line in wl["lines"]:
                f.write(json.dumps(line) + "\n")
        pair = [run_one(bins, work, wl, plan, model, args.threads, on,
                        args.sglrun_arg) for on in (True, False)]
        n, diffs, a, b = compare_outputs(pair[0]["records"], pair[1]["records"])
        same = not diffs
        for r in pair:
            r["identical"] = same
        if not same:
            mismatch = True
            i = diffs[0]
            log(f"*** MISMATCH: {wl['name']}: {len(diffs)} of {n} records "
                f"differ between cache on and off; first at record {i + 1}:\n"
                f"    on:  {a[i] if i < len(a) else '(missing)'}\n"
                f"    off: {b[i] if i < len(b) else '(missing)'}\n"
                f"    inputs, plan and records in {work} (kept)")
            remove_work = False  # keep the evidence
        wl["mean_prompt_tokens"] = pair[0]["prompt_tokens"] / max(
            pair[0]["instances"], 1)
        results += pair

    meta = {"model": str(model), "model_shape": describe_model(model),
            "threads": args.threads, "quick": args.quick,
            "sglrun_options": " ".join(args.sglrun_arg),
            "chat_format": fmt.kind,
            "workloads": [{k: w[k] for k in ("name", "shape",
                                             "target_prompt_tokens",
                                             "mean_prompt_tokens")}
                          for w in workloads],
            "python_argv": sys.argv}
    rat = [ratios(results, w["name"]) for w in workloads]
    {"md": print_md, "csv": print_csv, "json": print_json}[args.format](
        meta, results, rat)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(json_doc(meta, results, rat), f, indent=2)
            f.write("\n")
    if remove_work:
        shutil.rmtree(work, ignore_errors=True)
    if mismatch:
        die("outputs differ between radix cache on and off (see above); the "
            "engine is meant to be batch invariant")


if __name__ == "__main__":
    main()
