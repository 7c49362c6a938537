#!/usr/bin/env node
// highlight-test.js - the TextMate grammar for .sgl, checked with VS Code's own
// tokenizer (vscode-textmate + vscode-oniguruma).
//
//   node test/editors/highlight-test.js
//
// Tokenizes examples/*.sgl and the fixtures next to this file and asserts the
// scopes of chosen spans; checks that the VS Code extension's manifest agrees
// with the grammar, and that editors/vscode/pack.js builds a .vsix holding the
// grammar byte for byte. Exits 1 with one line per mismatch.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '../..');
const grammarFile = path.join(root, 'grammar/sgl.tmLanguage.json');
const extensionDir = path.join(root, 'editors/vscode');

function requireDev(name) {
  try {
    return require(require.resolve(name, { paths: [root] }));
  } catch (e) {
    console.error(`highlight-test: error: cannot load '${name}' (${e.code || e.message}); ` +
                  `run \`npm ci\` in ${root}`);
    process.exit(1);
  }
}
const vsctm = requireDev('vscode-textmate');
const oniguruma = requireDev('vscode-oniguruma');

const failures = [];
let checks = 0;
function check(ok, message) {
  checks++;
  if (!ok) failures.push(message);
}

//===- Tokenizing ---------------------------------------------------------===//

async function loadGrammar() {
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
  return registry.loadGrammar('source.sgl');
}

/// A document: its text, and per line the tokens {start, end, scopes}.
function tokenize(grammar, file) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let stack = vsctm.INITIAL;
  const tokens = lines.map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((t) => ({ start: t.startIndex, end: t.endIndex, scopes: t.scopes }));
  });
  return { name: path.relative(root, file), text, lines, tokens };
}

/// A scope matches a selector when it is the selector or a child of it:
/// `invalid.illegal` matches `invalid.illegal.lone-brace.sgl`.
function matches(scope, selector) {
  return scope === selector || scope.startsWith(selector + '.');
}

function position(doc, offset) {
  const before = doc.text.slice(0, offset).split('\n');
  return { line: before.length - 1, col: before[before.length - 1].length };
}

function tokenAt(doc, line, col) {
  return doc.tokens[line].find((t) => t.start <= col && col < t.end);
}

function describe(doc, line, from, to) {
  return doc.tokens[line]
    .filter((t) => t.end > from && t.start < to)
    .map((t) => `'${doc.lines[line].slice(t.start, t.end)}' [${t.scopes.join(' ')}]`)
    .join(', ');
}

/// Asserts the scopes of `sub` (default: all of `needle`) at the first place
/// `needle` occurs in the document. Unless `within` (a span inside a longer
/// token, like a word in a comment), the span must start and end on token
/// boundaries. Every character in it must have each scope in `has` and none
/// in `not`. `needle` may span lines; line breaks are skipped.
function expect(doc, needle, { sub = needle, has = [], not = [], within = false }) {
  const at = doc.text.indexOf(needle);
  const subAt = needle.indexOf(sub);
  if (at < 0 || subAt < 0) {
    check(false, `${doc.name}: '${needle}' not found (fix the test)`);
    return;
  }
  const start = position(doc, at + subAt);
  const end = position(doc, at + subAt + sub.length);
  const where = `${doc.name}:${start.line + 1}:${start.col + 1}`;
  const problems = [];
  const startToken = tokenAt(doc, start.line, start.col);
  if (!within && (!startToken || startToken.start !== start.col)) problems.push('does not start a token');
  const endsLine = end.col === 0 || end.col === doc.lines[end.line].length;
  const lastToken = tokenAt(doc, end.line, end.col - 1);
  if (!within && !endsLine && (!lastToken || lastToken.end !== end.col)) problems.push('does not end a token');
  for (let offset = at + subAt; offset < at + subAt + sub.length; offset++) {
    if (doc.text[offset] === '\n') continue;
    const { line, col } = position(doc, offset);
    const scopes = tokenAt(doc, line, col).scopes;
    for (const s of has) {
      if (!scopes.some((x) => matches(x, s))) problems.push(`lacks ${s}`);
    }
    for (const s of not) {
      if (scopes.some((x) => matches(x, s))) problems.push(`has ${s}`);
    }
  }
  const unique = [...new Set(problems)];
  check(unique.length === 0,
        `${where}: '${sub}' ${unique.join(', ')}; tokens: ` +
        describe(doc, start.line, start.col, start.line === end.line ? end.col : Infinity));
}

/// Every non-blank character of a well-formed file gets a real scope (not just
/// source.sgl and meta.*), and none is invalid.illegal.
function expectClean(doc) {
  doc.lines.forEach((text, line) => {
    for (const t of doc.tokens[line]) {
      const span = text.slice(t.start, t.end);
      const where = `${doc.name}:${line + 1}:${t.start + 1}`;
      check(!t.scopes.some((s) => matches(s, 'invalid.illegal')),
            `${where}: '${span}' is marked invalid: [${t.scopes.join(' ')}]`);
      const real = t.scopes.filter((s) => s !== 'source.sgl' && !s.startsWith('meta.'));
      check(span.trim() === '' || real.length > 0,
            `${where}: '${span}' has no scope of its own: [${t.scopes.join(' ')}]`);
    }
  });
}

//===- The examples ---------------------------------------------------------===//

const STRING = 'string.quoted.double.sgl';
const ESCAPE = 'constant.character.escape.sgl';
const INTERP = 'meta.interpolation.sgl';
const INVALID = 'invalid.illegal';

function checkExamples(grammar) {
  const dir = path.join(root, 'examples');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sgl')).sort();
  check(files.length > 0, 'examples/ holds no .sgl file');
  const docs = Object.fromEntries(files.map((f) => [f, tokenize(grammar, path.join(dir, f))]));
  Object.values(docs).forEach(expectClean);

  const choose = docs['choose.sgl'];
  if (!choose) return check(false, 'examples/choose.sgl is missing (fix the test)');
  expect(choose, '// choose.sgl - pick', { within: true, has: ['comment.line.double-slash.sgl'] });
  expect(choose, '// choose.sgl', { sub: 'choose', within: true, has: ['comment.line.double-slash.sgl'], not: ['entity.name.function'] });
  expect(choose, 'program choose(', { sub: 'program', has: ['keyword.other.program.sgl'] });
  expect(choose, 'program choose(', { sub: 'choose', has: ['entity.name.function.sgl'] });
  expect(choose, '(question: str)', { sub: 'question', has: ['variable.parameter.sgl'] });
  expect(choose, '(question: str)', { sub: 'str', has: ['storage.type.sgl'] });
  expect(choose, '{question}', { has: [STRING, INTERP] });
  expect(choose, '{question}', { sub: '{', has: ['punctuation.section.interpolation.begin.sgl'] });
  expect(choose, '{question}', { sub: 'question', has: ['variable.other.sgl', INTERP] });
  expect(choose, '{question}', { sub: '}', has: ['punctuation.section.interpolation.end.sgl'] });
  expect(choose, '{question}\\n"', { sub: '\\n', has: [STRING, ESCAPE] });
  expect(choose, '{question}\\n"', { sub: '"', has: ['punctuation.definition.string.end.sgl'] });
  expect(choose, 'select tool from', { sub: 'select', has: ['keyword.control.sgl'] });
  expect(choose, 'select tool from', { sub: 'tool', has: ['variable.other.capture.sgl'] });
  expect(choose, 'select tool from', { sub: 'from', has: ['keyword.control.sgl'] });
  expect(choose, 'from ["calculator"', { sub: '[', has: ['punctuation.section.brackets.begin.sgl'] });
  expect(choose, '"calculator"', { has: [STRING], not: ['variable'] });
  expect(choose, '"Reason: "', { has: [STRING], not: ['variable.parameter', 'punctuation.separator'] });
  expect(choose, 'gen reason(', { sub: 'gen', has: ['keyword.control.sgl'] });
  expect(choose, 'gen reason(', { sub: 'reason', has: ['variable.other.capture.sgl'] });
  expect(choose, 'max_tokens: 24', { sub: 'max_tokens', has: ['variable.parameter.sgl'] });
  expect(choose, 'max_tokens: 24', { sub: ':', has: ['punctuation.separator.colon.sgl'] });
  expect(choose, 'max_tokens: 24', { sub: '24', has: ['constant.numeric.integer.sgl'] });
  expect(choose, 'temperature: 0.7', { sub: '0.7', has: ['constant.numeric.float.sgl'] });
  expect(choose, 'stop: ["\\n", "."]', { sub: '\\n', has: [STRING, ESCAPE] });
  expect(choose, 'seed: 7)', { sub: ')', has: ['punctuation.section.options.end.sgl'] });

  const hello = docs['hello.sgl'];
  if (hello) {
    expect(hello, '{name}', { sub: 'name', has: [INTERP, 'variable.other.sgl'] });
    expect(hello, 'stop: "\\n\\n"', { sub: '\\n\\n', has: [ESCAPE] });
    expect(hello, 'temperature: 0)', { sub: '0', has: ['constant.numeric.integer.sgl'] });
  }

  const multi = docs['multi_turn.sgl'];
  if (multi) {
    for (const role of ['system', 'user', 'assistant']) {
      expect(multi, `${role} {`, { sub: role, has: ['keyword.other.role.sgl'] });
    }
    expect(multi, 'user { q1 }', { sub: '{', has: ['punctuation.section.block.begin.sgl'] });
    expect(multi, 'user { q1 }', { sub: 'q1', has: ['variable.other.sgl'], not: [STRING] });
    expect(multi, 'gen a1(', { sub: 'a1', has: ['variable.other.capture.sgl'] });
  }
}

//===- The fixtures -------------------------------------------------------===//

function checkConstructs(grammar) {
  const doc = tokenize(grammar, path.join(__dirname, 'fixtures/constructs.sgl'));
  expectClean(doc);
  expect(doc, 'over two lines. */', { within: true, has: ['comment.block.sgl'] });
  expect(doc, '/* A block', { sub: '/*', has: ['punctuation.definition.comment.sgl'] });
  for (const esc of ['\\n', '\\t', '\\r', '\\0', '\\\\', '\\"', "\\'"]) {
    expect(doc, `Escapes: \\n \\t \\r \\0 \\\\ \\" \\'`, { sub: esc, has: [STRING, ESCAPE] });
  }
  expect(doc, '{{literal}}', { sub: '{{', has: [ESCAPE], not: [INTERP] });
  expect(doc, '{{literal}}', { sub: '}}', has: [ESCAPE], not: [INTERP] });
  expect(doc, '{{literal}}', { sub: 'literal', has: [STRING], not: [INTERP, 'variable'] });
  expect(doc, '{ style }', { has: [INTERP] });
  expect(doc, '{ style }', { sub: 'style', has: ['variable.other.sgl'] });
  expect(doc, 'r"raw \\d{3} {topic} \\q"', { has: ['string.quoted.raw.sgl'], not: [STRING] });
  expect(doc, 'r"raw', { sub: 'r', has: ['storage.type.string.sgl'] });
  expect(doc, 'raw \\d{3} {topic} \\q', { has: ['string.quoted.raw.sgl'], not: [INTERP, ESCAPE, INVALID] });
  expect(doc, '\n  topic\n', { sub: 'topic', has: ['variable.other.sgl'], not: [STRING] });
  expect(doc, 'style of {style}.', { sub: 'style', within: true, has: [STRING], not: [INTERP] });
  expect(doc, 'gen answer(\n', { sub: 'answer', has: ['variable.other.capture.sgl'] });
  expect(doc, '\n      max_tokens: 64,', { sub: 'max_tokens', has: ['variable.parameter.sgl', 'meta.gen.sgl'] });
  expect(doc, '// an option per line', { has: ['comment.line.double-slash.sgl', 'meta.gen.sgl'] });
  expect(doc, 'stop: ["\\n\\n", "END"]', { sub: 'stop', has: ['variable.parameter.sgl'] });
  expect(doc, 'top_p: 1.0e-1', { sub: '1.0e-1', has: ['constant.numeric.float.sgl'] });
  expect(doc, 'seed: 7,\n    )', { sub: ')', has: ['punctuation.section.options.end.sgl'] });
  expect(doc, '"bad",]', { sub: ',', has: ['punctuation.separator.comma.sgl'] });
  expect(doc, '/* trailing */', { has: ['comment.block.sgl'] });
  expect(doc, '/* trailing */ gen tail', { sub: 'gen', has: ['keyword.control.sgl'] });
  expect(doc, '/* trailing */ gen tail', { sub: 'tail', has: ['variable.other.capture.sgl'] });
  expect(doc, 'program second()', { sub: 'second', has: ['entity.name.function.sgl'] });
  expect(doc, 'program second()', { sub: '(', has: ['punctuation.section.parameters.begin.sgl'] });
  expect(doc, 'gen only', { sub: 'only', has: ['variable.other.capture.sgl'] });
}

function checkInvalid(grammar) {
  const doc = tokenize(grammar, path.join(__dirname, 'fixtures/invalid.sgl'));
  expect(doc, 'bad escape \\q here', { sub: '\\q', has: [STRING, INVALID] });
  expect(doc, 'bad escape \\q here', { sub: ' here', has: [STRING], not: [INVALID] });
  expect(doc, '"a } b"', { sub: '}', has: [STRING, INVALID], not: [INTERP] });
  expect(doc, '"a } b"', { sub: 'a ', has: [STRING], not: [INVALID] });
  expect(doc, '{i + 1}', { sub: 'i', has: [INTERP, 'variable.other.sgl'], not: [INVALID] });
  expect(doc, '{i + 1}', { sub: '+', has: [INTERP, INVALID] });
  expect(doc, '{i + 1}', { sub: '}', has: ['punctuation.section.interpolation.end.sgl'] });
  expect(doc, '{i + 1} here"', { sub: ' here', has: [STRING], not: [INTERP, INVALID] });
  expect(doc, 'backslash \\\n', { sub: '\\', has: [STRING, INVALID] });
  // The line break ended the unterminated string: '@' is program text again.
  expect(doc, '\n  @\n', { sub: '@', has: ['invalid.illegal.character.sgl'], not: [STRING] });
}

//===- The VS Code extension ----------------------------------------------===//

function readJson(file, label) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    check(false, `${label}: ${e.message}`);
    return null;
  }
}

/// The entries of a zip file, as name -> Buffer (deflate or stored).
function unzip(buf) {
  const entries = new Map();
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory');
  let p = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    if (typeof zlib.crc32 === 'function' && zlib.crc32(data) !== crc) {
      throw new Error(`CRC mismatch in ${name}`);
    }
    entries.set(name, data);
    p += 46 + skip;
  }
  return entries;
}

function checkExtension(grammarJson) {
  const label = 'editors/vscode/package.json';
  const manifest = readJson(path.join(extensionDir, 'package.json'), label);
  if (!manifest) return;
  for (const field of ['name', 'publisher', 'version', 'displayName']) {
    check(typeof manifest[field] === 'string' && manifest[field] !== '', `${label}: '${field}' is missing`);
  }
  check(typeof manifest.engines?.vscode === 'string', `${label}: 'engines.vscode' is missing`);
  const languages = manifest.contributes?.languages ?? [];
  const language = languages.find((l) => l.id === 'sgl');
  check(language, `${label}: no contributes.languages entry with id 'sgl'`);
  const grammars = manifest.contributes?.grammars ?? [];
  check(grammars.length === 1, `${label}: expected exactly one contributes.grammars entry`);
  const contributed = grammars[0] ?? {};
  const grammarPath = path.posix.normalize(contributed.path ?? '');
  check(!grammarPath.startsWith('../') && !path.posix.isAbsolute(grammarPath),
        `${label}: grammar path '${contributed.path}' is outside the extension folder`);
  check(contributed.language === 'sgl', `${label}: the grammar's language is '${contributed.language}', not 'sgl'`);
  check(contributed.scopeName === grammarJson.scopeName,
        `${label}: grammar scopeName '${contributed.scopeName}' but grammar/sgl.tmLanguage.json ` +
        `declares '${grammarJson.scopeName}'`);
  check(grammarJson.scopeName === 'source.sgl', `grammar: scopeName is '${grammarJson.scopeName}', not 'source.sgl'`);
  if (!language) return;
  check(language.extensions?.includes('.sgl'), `${label}: language 'sgl' does not claim '.sgl'`);
  check(Array.isArray(language.aliases) && language.aliases.length > 0, `${label}: language 'sgl' has no aliases`);

  const configFile = path.join(extensionDir, language.configuration ?? '');
  const config = language.configuration ? readJson(configFile, 'editors/vscode/' + language.configuration) : null;
  check(config, `${label}: language 'sgl' has no readable configuration`);
  if (config) {
    const has = (list, pair) => (list ?? []).some((x) => JSON.stringify(x) === JSON.stringify(pair));
    check(config.comments?.lineComment === '//', 'language-configuration.json: lineComment is not //');
    check(JSON.stringify(config.comments?.blockComment) === '["/*","*/"]',
          'language-configuration.json: blockComment is not /* */');
    for (const pair of [['{', '}'], ['[', ']'], ['(', ')']]) {
      check(has(config.brackets, pair), `language-configuration.json: brackets lack ${pair.join('')}`);
    }
    for (const open of ['{', '[', '(', '"']) {
      check((config.autoClosingPairs ?? []).some((p) => p.open === open),
            `language-configuration.json: no auto-closing pair opens with ${open}`);
    }
  }

  // pack.js must produce a .vsix whose grammar is ours, at the declared path.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sgl-vsix-'));
  try {
    const vsix = path.join(tmp, 'sgl.vsix');
    execFileSync(process.execPath, [path.join(extensionDir, 'pack.js'), '--out', vsix], { stdio: 'pipe' });
    const entries = unzip(fs.readFileSync(vsix));
    const grammarEntry = 'extension/' + grammarPath;
    for (const name of ['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json',
                        'extension/' + path.posix.normalize(language.configuration ?? ''), grammarEntry]) {
      check(entries.has(name), `pack.js: the .vsix lacks ${name} (has ${[...entries.keys()].join(', ')})`);
    }
    check(entries.get(grammarEntry)?.equals(fs.readFileSync(grammarFile)),
          `pack.js: ${grammarEntry} in the .vsix differs from grammar/sgl.tmLanguage.json`);
    check(entries.get('extension/package.json')?.equals(fs.readFileSync(path.join(extensionDir, 'package.json'))),
          'pack.js: extension/package.json in the .vsix differs from editors/vscode/package.json');
  } catch (e) {
    check(false, `pack.js: ${e.stderr ? e.stderr.toString().trim() : e.message}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  const grammarJson = readJson(grammarFile, 'grammar/sgl.tmLanguage.json');
  if (!grammarJson) throw new Error(failures.join('\n'));
  const grammar = await loadGrammar();
  if (!grammar) throw new Error('vscode-textmate could not load grammar/sgl.tmLanguage.json');
  checkExamples(grammar);
  checkConstructs(grammar);
  checkInvalid(grammar);
  checkExtension(grammarJson);
  if (failures.length) {
    for (const f of failures) console.error(`highlight-test: FAIL ${f}`);
    console.error(`highlight-test: ${failures.length} of ${checks} checks failed`);
    process.exit(1);
  }
  console.log(`highlight-test: all ${checks} checks passed`);
}

main().catch((e) => {
  console.error(`highlight-test: error: ${e.stack || e}`);
  process.exit(1);
});
