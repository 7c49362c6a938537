#!/usr/bin/env python3
"""Renders conversations with a model's own Jinja chat template (Jinja2).

The reference for sglrun's built-in templates: reads `chat_template` from a
tokenizer_config.json, renders each conversation of a JSON file the way
Hugging Face's apply_chat_template does (trim_blocks, lstrip_blocks), and
prints a JSON list of the rendered strings.

  chat_template_ref.py tokenizer_config.json conversations.json

conversations.json: [{"messages": [{"role": ..., "content": ...}, ...],
                      "add_generation_prompt": true|false}, ...]
"""
import json
import sys

import jinja2


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        config = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        conversations = json.load(f)
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True,
                             extensions=["jinja2.ext.loopcontrols"])
    template = env.from_string(config["chat_template"])
    out = []
    for c in conversations:
        out.append(template.render(messages=c["messages"],
                                   add_generation_prompt=c["add_generation_prompt"],
                                   bos_token=config.get("bos_token") or "",
                                   eos_token=config.get("eos_token") or ""))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
