// textmate.js - load grammar/sgl.tmLanguage.json into VS Code's own tokenizer
// (vscode-textmate + vscode-oniguruma, npm dev dependencies of the repository)
// and tokenize .sgl text with it. A module, not a script:
//
//   const textmate = require('./textmate');
//   const grammar = await textmate.loadGrammar();
//   const doc = textmate.tokenize(grammar, text, 'examples/hello.sgl');
//
// Used by the tests next to it and by scripts/highlight-screenshot.
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const grammarFile = path.join(root, 'grammar/sgl.tmLanguage.json');

/// A dev dependency from the repository's node_modules, or exit with how to get it.
function requireDev(name, who) {
  try {
    return require(require.resolve(name, { paths: [root] }));
  } catch (e) {
    console.error(`${who}: error: cannot load '${name}' (${e.code || e.message}); run \`npm ci\` in ${root}`);
    process.exit(1);
  }
}

async function loadGrammar(who = path.basename(process.argv[1] || 'textmate.js')) {
  const vsctm = requireDev('vscode-textmate', who);
  const oniguruma = requireDev('vscode-oniguruma', who);
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm', { paths: [root] }));
  await oniguruma.loadWASM({ data: wasm });
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => scopeName === 'source.sgl'
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarFile, 'utf8'), grammarFile)
      : null,
  });
  const grammar = await registry.loadGrammar('source.sgl');
  if (!grammar) throw new Error(`vscode-textmate could not load ${grammarFile}`);
  // The initial rule stack travels with the grammar so callers need not load vscode-textmate.
  grammar.sglInitialStack = vsctm.INITIAL;
  return grammar;
}

/// A document: its text, and per line the tokens {start, end, scopes}.
/// Lines are tokenized in order, each starting in the state the last one left.
function tokenize(grammar, text, name) {
  const lines = text.split('\n');
  let stack = grammar.sglInitialStack;
  const tokens = lines.map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((t) => ({ start: t.startIndex, end: t.endIndex, scopes: t.scopes }));
  });
  return { name, text, lines, tokens };
}

function tokenizeFile(grammar, file) {
  return tokenize(grammar, fs.readFileSync(file, 'utf8'), path.relative(root, file));
}

/// A scope matches a selector when it is the selector or a child of it:
/// `invalid.illegal` matches `invalid.illegal.lone-brace.sgl`.
function matches(scope, selector) {
  return scope === selector || scope.startsWith(selector + '.');
}

module.exports = { root, grammarFile, requireDev, loadGrammar, tokenize, tokenizeFile, matches };
