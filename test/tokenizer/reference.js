#!/usr/bin/env node
//===- reference.js - Expected token ids from @lenml/tokenizers -----------===//
//
// Usage: node test/tokenizer/reference.js TOKDIR CORPUS.jsonl OUT.json
//
// Loads TOKDIR/{tokenizer.json,tokenizer_config.json} into @lenml/tokenizers
// (the transformers.js tokenizers), encodes every line of the corpus (one
// JSON string per line) with and without special tokens, and writes
//   {"texts": [...], "with_special": [[ids]...], "without_special": [[ids]...],
//    "bos_token_id": id|null, "eos_token_id": id|null}
// The runtime tokenizer tests run this on every test run and compare.
//
//===----------------------------------------------------------------------===//
'use strict';

const fs = require('fs');
const path = require('path');

function readCorpus(file) {
  const texts = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '')
      return;
    const value = JSON.parse(line);
    if (typeof value !== 'string')
      throw new Error(`${file}:${index + 1}: expected a JSON string`);
    texts.push(value);
  });
  return texts;
}

function main(argv) {
  if (argv.length !== 3) {
    console.error('usage: node test/tokenizer/reference.js TOKDIR ' +
                  'CORPUS.jsonl OUT.json');
    return 2;
  }
  const [tokDir, corpusFile, outFile] = argv;
  const {TokenizerLoader} = require('@lenml/tokenizers');
  const load = (name) =>
      JSON.parse(fs.readFileSync(path.join(tokDir, name), 'utf8'));
  const tokenizer = TokenizerLoader.fromPreTrained({
    tokenizerJSON: load('tokenizer.json'),
    tokenizerConfig: load('tokenizer_config.json'),
  });
  const texts = readCorpus(corpusFile);
  const result = {
    texts,
    with_special: [],
    without_special: [],
    bos_token_id: tokenizer.bos_token_id ?? null,
    eos_token_id: tokenizer.eos_token_id ?? null,
  };
  for (const text of texts) {
    result.with_special.push(tokenizer.encode(text, {add_special_tokens: true}));
    result.without_special.push(
        tokenizer.encode(text, {add_special_tokens: false}));
  }
  fs.writeFileSync(outFile, JSON.stringify(result));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
