#!/usr/bin/env node
// highlight-test.js - the TextMate grammar for .sgl (grammar/sgl.tmLanguage.json),
// checked with VS Code's own tokenizer (vscode-textmate + vscode-oniguruma).
//
//   node test/editors/highlight-test.js                     assertions and snapshots
//   node test/editors/highlight-test.js --only assertions   ctest: editors.highlight
//   node test/editors/highlight-test.js --only snapshots    ctest: editors.snapshots
//   node test/editors/highlight-test.js --update            rewrite the snapshots
//
// Assertions: every non-blank character of examples/*.sgl and of the
// fixtures free of lexical errors (all but invalid.sgl) has a scope of its own
// and none is invalid.illegal; chosen spans of the examples and fixtures have
// chosen scopes. Snapshots: every token of every examples/*.sgl and
// fixtures/*.sgl, one line each (`line:col "text" scopes`), must equal
// snapshots/examples/NAME.scopes or snapshots/fixtures/NAME.scopes exactly.
// --update rewrites them and deletes those whose .sgl is gone; review the
// diff before committing it. Exits 1 with one line per mismatch.
'use strict';

const fs = require('fs');
const path = require('path');
const textmate = require('./textmate');
const { root, matches } = textmate;
const checks = require('./checks')('highlight-test');
const { check } = checks;

const fixturesDir = path.join(__dirname, 'fixtures');
const snapshotsDir = path.join(__dirname, 'snapshots');
const updateCommand = 'node test/editors/highlight-test.js --update';

//===- Assertions ---------------------------------------------------------===//

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

const STRING = 'string.quoted.double.sgl';
const ESCAPE = 'constant.character.escape.sgl';
const INTERP = 'meta.interpolation.sgl';
const INVALID = 'invalid.illegal';
const CAPTURE = 'variable.other.capture.sgl';
const OPTION = 'variable.parameter.sgl';
const TYPE = 'storage.type.sgl';
const TYPE_NAME = 'entity.name.type.sgl';
const CONTROL = 'keyword.control.sgl';

function checkExamples(docs) {
  check(docs.size > 0, 'examples/ holds no .sgl file');
  docs.forEach(expectClean);

  const choose = docs.get('choose.sgl');
  if (!choose) return check(false, 'examples/choose.sgl is missing (fix the test)');
  expect(choose, '// choose.sgl - pick', { within: true, has: ['comment.line.double-slash.sgl'] });
  expect(choose, '// choose.sgl', { sub: 'choose', within: true, has: ['comment.line.double-slash.sgl'], not: ['entity.name.function'] });
  expect(choose, 'program choose(', { sub: 'program', has: ['keyword.other.program.sgl'] });
  expect(choose, 'program choose(', { sub: 'choose', has: ['entity.name.function.sgl'] });
  expect(choose, '(question: str)', { sub: 'question', has: ['variable.parameter.sgl'] });
  expect(choose, '(question: str)', { sub: 'str', has: [TYPE] });
  expect(choose, '{question}', { has: [STRING, INTERP] });
  expect(choose, '{question}', { sub: '{', has: ['punctuation.section.interpolation.begin.sgl'] });
  expect(choose, '{question}', { sub: 'question', has: ['variable.other.sgl', INTERP] });
  expect(choose, '{question}', { sub: '}', has: ['punctuation.section.interpolation.end.sgl'] });
  expect(choose, '{question}\\n"', { sub: '\\n', has: [STRING, ESCAPE] });
  expect(choose, '{question}\\n"', { sub: '"', has: ['punctuation.definition.string.end.sgl'] });
  expect(choose, 'select tool from', { sub: 'select', has: [CONTROL] });
  expect(choose, 'select tool from', { sub: 'tool', has: [CAPTURE] });
  expect(choose, 'select tool from', { sub: 'from', has: [CONTROL] });
  expect(choose, 'from ["calculator"', { sub: '[', has: ['punctuation.section.brackets.begin.sgl'] });
  expect(choose, '"calculator"', { has: [STRING], not: ['variable'] });
  expect(choose, '"Reason: "', { has: [STRING], not: ['variable.parameter', 'punctuation.separator'] });
  expect(choose, 'gen reason(', { sub: 'gen', has: [CONTROL] });
  expect(choose, 'gen reason(', { sub: 'reason', has: [CAPTURE] });
  expect(choose, 'max_tokens: 24', { sub: 'max_tokens', has: [OPTION] });
  expect(choose, 'max_tokens: 24', { sub: ':', has: ['punctuation.separator.colon.sgl'] });
  expect(choose, 'max_tokens: 24', { sub: '24', has: ['constant.numeric.integer.sgl'] });
  expect(choose, 'temperature: 0.7', { sub: '0.7', has: ['constant.numeric.float.sgl'] });
  expect(choose, 'stop: ["\\n", "."]', { sub: '\\n', has: [STRING, ESCAPE] });
  expect(choose, 'seed: 7)', { sub: ')', has: ['punctuation.section.options.end.sgl'] });

  const hello = docs.get('hello.sgl');
  if (hello) {
    expect(hello, '{name}', { sub: 'name', has: [INTERP, 'variable.other.sgl'] });
    expect(hello, 'stop: "\\n\\n"', { sub: '\\n\\n', has: [ESCAPE] });
    expect(hello, 'temperature: 0)', { sub: '0', has: ['constant.numeric.integer.sgl'] });
  }

  const multi = docs.get('multi_turn.sgl');
  if (multi) {
    for (const role of ['system', 'user', 'assistant']) {
      expect(multi, `${role} {`, { sub: role, has: ['keyword.other.role.sgl'] });
    }
    expect(multi, 'user { q1 }', { sub: '{', has: ['punctuation.section.block.begin.sgl'] });
    expect(multi, 'user { q1 }', { sub: 'q1', has: ['variable.other.sgl'], not: [STRING] });
    expect(multi, 'gen a1(', { sub: 'a1', has: [CAPTURE] });
  }

  const ticket = docs.get('ticket.sgl');
  if (ticket) {
    expect(ticket, 'r"[A-Z]{3}-[0-9]{4}"', { has: ['string.quoted.raw.sgl'], not: [INTERP, INVALID] });
    expect(ticket, 'json_schema: "ticket', { sub: 'json_schema', has: [OPTION] });
  }

  const tree = docs.get('tree_of_thought.sgl');
  if (!tree) return check(false, 'examples/tree_of_thought.sgl is missing (fix the test)');
  expect(tree, 'fork plan[plans] as p', { sub: 'fork', has: [CONTROL] });
  expect(tree, 'fork plan[plans] as p', { sub: 'plan', has: [CAPTURE] });
  expect(tree, 'fork plan[plans] as p', { sub: 'as', has: [CONTROL] });
  expect(tree, 'fork step[steps]', { sub: 'step', has: [CAPTURE] });
  expect(tree, '{plan[0].step[0].action}', { sub: 'action', has: [INTERP] });

  const review = docs.get('review.sgl');
  if (!review) return check(false, 'examples/review.sgl is missing (fix the test)');
  expect(review, 'import "lib/critique.sgl"', { sub: 'import', has: ['keyword.control.import.sgl'] });
  expect(review, 'import "lib/critique.sgl"', { sub: '"lib/critique.sgl"', has: [STRING] });
  expect(review, 'call style = critique(', { sub: 'call', has: [CONTROL] });
  expect(review, 'call style = critique(', { sub: 'style', has: [CAPTURE] });
  expect(review, 'call style = critique(', { sub: 'critique', has: ['entity.name.function.sgl'] });
  expect(review, 'aspect: "factual', { sub: 'aspect', has: [OPTION] });

  const judge = docs.get('llm_judge.sgl');
  if (!judge) return check(false, 'examples/llm_judge.sgl is missing (fix the test)');
  expect(judge, '(method: unconditional)', { sub: 'method', has: [OPTION] });
  expect(judge, '(method: unconditional)', { sub: 'unconditional', has: ['support.constant.method.sgl'] });
}

/// The first .sgl statements and their corner cases: fixtures/constructs.sgl.
function checkConstructs(doc) {
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
  expect(doc, 'gen answer(\n', { sub: 'answer', has: [CAPTURE] });
  expect(doc, '\n      max_tokens: 64,', { sub: 'max_tokens', has: [OPTION, 'meta.gen.sgl'] });
  expect(doc, '// an option per line', { has: ['comment.line.double-slash.sgl', 'meta.gen.sgl'] });
  expect(doc, 'stop: ["\\n\\n", "END"]', { sub: 'stop', has: [OPTION] });
  expect(doc, 'top_p: 1.0e-1', { sub: '1.0e-1', has: ['constant.numeric.float.sgl'] });
  expect(doc, 'seed: 7,\n    )', { sub: ')', has: ['punctuation.section.options.end.sgl'] });
  expect(doc, '"bad",]', { sub: ',', has: ['punctuation.separator.comma.sgl'] });
  expect(doc, '/* trailing */', { has: ['comment.block.sgl'] });
  expect(doc, '/* trailing */ gen tail', { sub: 'gen', has: [CONTROL] });
  expect(doc, '/* trailing */ gen tail', { sub: 'tail', has: [CAPTURE] });
  expect(doc, 'program second()', { sub: 'second', has: ['entity.name.function.sgl'] });
  expect(doc, 'program second()', { sub: '(', has: ['punctuation.section.parameters.begin.sgl'] });
  expect(doc, 'gen only', { sub: 'only', has: [CAPTURE] });
}

/// The syntax of issue 9, construct by construct: fixtures/syntax.sgl.
function checkSyntax(doc) {
  // File level: import, record types.
  expect(doc, 'import "lib.sgl"', { sub: 'import', has: ['keyword.control.import.sgl'] });
  expect(doc, 'import "lib.sgl"', { sub: 'lib.sgl', has: [STRING] });
  expect(doc, 'type Character {', { sub: 'type', has: ['keyword.other.type.sgl'] });
  expect(doc, 'type Character {', { sub: 'Character', has: [TYPE_NAME, 'meta.type.declaration.sgl'] });
  expect(doc, 'type Character {', { sub: '{', has: ['meta.type.record.sgl'] });
  expect(doc, '  name: str(max_len: 40),', { sub: 'name', has: ['variable.other.member.sgl'] });
  expect(doc, '  name: str(max_len: 40),', { sub: 'str', has: [TYPE] });
  expect(doc, '  name: str(max_len: 40),', { sub: 'max_len', has: [OPTION, 'meta.options.sgl'] });
  expect(doc, '  name: str(max_len: 40),', { sub: '40', has: ['constant.numeric.integer.sgl'] });
  expect(doc, '  name: str(max_len: 40),', { sub: '),', has: ['meta.type.record.sgl'], not: [INVALID] });
  expect(doc, 'str(min_len: 1, max_len: 40)', { sub: 'min_len', has: [OPTION] });
  expect(doc, '"warrior" | "mage"', { sub: '"warrior"', has: [STRING, 'meta.type.sgl'] });
  expect(doc, '"warrior" | "mage"', { sub: '|', has: ['keyword.operator.union.sgl'] });
  expect(doc, 'int(min: 0, max: 10)', { sub: 'int', has: [TYPE] });
  expect(doc, 'int(min: 0, max: 10)', { sub: 'max', has: [OPTION] });
  expect(doc, 'skills: [str](min_len: 1', { sub: '[', has: ['punctuation.section.brackets.begin.sgl', 'meta.type.sgl'] });
  expect(doc, 'skills: [str](min_len: 1', { sub: 'str', has: [TYPE] });
  expect(doc, 'skills: [str](min_len: 1', { sub: 'min_len', has: [OPTION] });
  expect(doc, 'weapon: { wood: str, core: str },', { sub: 'wood', has: ['variable.other.member.sgl', 'meta.type.record.sgl'] });
  expect(doc, 'weapon: { wood: str, core: str },', { sub: 'core', has: ['variable.other.member.sgl'] });
  expect(doc, 'friend: Ally,', { sub: 'Ally', has: [TYPE_NAME] });
  expect(doc, 'nickname?: str', { sub: 'nickname', has: ['variable.other.member.sgl'] });
  expect(doc, 'nickname?: str', { sub: '?', has: ['keyword.operator.optional.sgl'] });
  expect(doc, 'score: number', { sub: 'number', has: [TYPE] });
  expect(doc, 'alive: bool,\n}', { sub: 'bool', has: [TYPE] });
  expect(doc, 'alive: bool,\n}', { sub: '}', has: ['punctuation.section.block.end.sgl'] });
  expect(doc, '\n\ntype Ally', { sub: 'type', has: ['keyword.other.type.sgl'], not: ['meta.type.record.sgl'] });

  // Program declarations: typed parameters and defaults.
  const decl = 'program syntax(q: str, n: int = 3, xs: [str] = ["a", "b"], flag: bool = false, t: number = 0.5, c: Character)';
  expect(doc, decl, { sub: 'syntax', has: ['entity.name.function.sgl'] });
  expect(doc, ', n: int = 3,', { sub: 'n', has: ['variable.parameter.sgl'] });
  expect(doc, decl, { sub: 'int', has: [TYPE] });
  expect(doc, decl, { sub: '=', has: ['keyword.operator.assignment.sgl'] });
  expect(doc, decl, { sub: '3', has: ['constant.numeric.integer.sgl'] });
  expect(doc, decl, { sub: '[str]', has: ['meta.type.sgl'] });
  expect(doc, decl, { sub: '"a"', has: [STRING], not: ['meta.type.sgl'] });
  expect(doc, decl, { sub: 'false', has: ['constant.language.boolean.sgl'] });
  expect(doc, decl, { sub: '0.5', has: ['constant.numeric.float.sgl'] });
  expect(doc, decl, { sub: 'Character', has: [TYPE_NAME] });
  expect(doc, decl, { sub: ')', has: ['punctuation.section.parameters.end.sgl'] });

  // Appended values: names, fields, indices.
  expect(doc, '\n  c.name\n', { sub: 'c', has: ['variable.other.sgl'] });
  expect(doc, '\n  c.name\n', { sub: '.', has: ['punctuation.accessor.sgl'] });
  expect(doc, '\n  c.name\n', { sub: 'name', has: ['variable.other.member.sgl'] });
  expect(doc, '\n  xs[0]\n', { sub: '0', has: ['constant.numeric.integer.sgl'] });
  expect(doc, 'c.weapon.wood', { sub: 'wood', has: ['variable.other.member.sgl'] });

  // gen: bare, with every option, typed, typed with options.
  expect(doc, 'gen plain', { sub: 'plain', has: [CAPTURE] });
  for (const option of ['max_tokens', 'stop', 'temperature', 'top_p', 'top_k', 'min_p', 'repetition_penalty',
                        'frequency_penalty', 'presence_penalty', 'seed', 'regex', 'json_schema']) {
    expect(doc, `${option}: `, { sub: option, has: [OPTION, 'meta.gen.sgl'] });
  }
  expect(doc, 'regex: r"[0-9]+"', { sub: 'r"[0-9]+"', has: ['string.quoted.raw.sgl', 'meta.gen.sgl'] });
  expect(doc, 'json_schema: "s.json")', { sub: ')', has: ['punctuation.section.options.end.sgl'] });
  expect(doc, 'gen count: int', { sub: 'count', has: [CAPTURE] });
  expect(doc, 'gen count: int', { sub: 'int', has: [TYPE, 'meta.gen.sgl'] });
  expect(doc, 'gen hero: Character(max_tokens: 200, seed: 1)', { sub: 'Character', has: [TYPE_NAME] });
  expect(doc, 'gen hero: Character(max_tokens: 200, seed: 1)', { sub: 'seed', has: [OPTION, 'meta.gen.sgl'] });
  expect(doc, 'gen tags: [str](max_len: 3)', { sub: 'str', has: [TYPE] });
  expect(doc, 'gen tags: [str](max_len: 3)', { sub: 'max_len', has: [OPTION] });
  expect(doc, 'gen label: "low" | "high"', { sub: '|', has: ['keyword.operator.union.sgl'] });
  expect(doc, 'gen label: "low" | "high"\n  select', { sub: 'select', has: [CONTROL], not: ['meta.gen.sgl'] });

  // select, with and without a method.
  expect(doc, 'select pick from', { sub: 'pick', has: [CAPTURE] });
  expect(doc, '["a", "b"] (method: greedy)', { sub: 'method', has: [OPTION, 'meta.options.sgl'] });
  for (const method of ['greedy', 'normalized', 'unconditional']) {
    expect(doc, `(method: ${method})`, { sub: method, has: ['support.constant.method.sgl'] });
  }
  expect(doc, 'from xs (method', { sub: 'xs', has: ['variable.other.sgl'] });

  // Roles.
  for (const role of ['system', 'user', 'assistant']) {
    expect(doc, `  ${role} {`, { sub: role, has: ['keyword.other.role.sgl'] });
  }
  expect(doc, 'temperature: -0.5', { sub: '-', has: ['keyword.operator.arithmetic.sgl'] });

  // if / else, comparisons, logic, membership.
  expect(doc, 'if pick == "a" and not (n > 3 or count != 2) {', { sub: 'if', has: [CONTROL] });
  for (const op of ['==', '>', '!=']) {
    expect(doc, `if pick == "a" and not (n > 3 or count != 2) {`, { sub: op, has: ['keyword.operator.comparison.sgl'] });
  }
  for (const op of ['and', 'not', 'or']) {
    expect(doc, `if pick == "a" and not (n > 3 or count != 2) {`, { sub: op, has: ['keyword.operator.logical.sgl'] });
  }
  expect(doc, 'not (n > 3', { sub: '(', has: ['punctuation.section.parens.begin.sgl'], not: ['meta.options.sgl'] });
  expect(doc, '} else if pick in [', { sub: 'else', has: [CONTROL] });
  expect(doc, '} else if pick in [', { sub: 'in', has: ['keyword.operator.logical.sgl'] });
  for (const operand of ['<= 1', '>= 10', '< 0']) {
    const op = operand.split(' ')[0];
    expect(doc, ` n ${operand}`, { sub: op, has: ['keyword.operator.comparison.sgl'] });
  }
  expect(doc, 'flag == true', { sub: 'true', has: ['constant.language.boolean.sgl'] });
  expect(doc, 't > 1e-3', { sub: '1e-3', has: ['constant.numeric.float.sgl'] });

  // for loops, ranges, break.
  expect(doc, 'for item in xs', { sub: 'for', has: [CONTROL] });
  expect(doc, 'for item in xs', { sub: 'item', has: ['variable.other.sgl'] });
  expect(doc, 'for item in xs', { sub: 'in', has: [CONTROL] });
  expect(doc, 'for i in 0..n {', { sub: '0', has: ['constant.numeric.integer.sgl'] });
  expect(doc, 'for i in 0..n {', { sub: '..', has: ['keyword.operator.range.sgl'] });
  expect(doc, '0..n {', { sub: 'n', has: ['variable.other.sgl'] });
  expect(doc, '{ break }', { sub: 'break', has: [CONTROL] });

  // Interpolation holds whole expressions.
  const step = '"Step {i + 1} of {n * 2 - i / 2 % 3}: {len(xs)} {-i} {xs[i]} {c.weapon.core}\\n"';
  expect(doc, step, { has: [STRING], not: [INVALID] });
  expect(doc, step, { sub: '{i + 1}', has: [INTERP] });
  expect(doc, step, { sub: '+', has: ['keyword.operator.arithmetic.sgl', INTERP] });
  expect(doc, step, { sub: '1', has: ['constant.numeric.integer.sgl', INTERP] });
  for (const op of ['*', '-', '/', '%']) {
    expect(doc, step, { sub: ` ${op} `, has: [INTERP] });
    expect(doc, step, { sub: op, has: ['keyword.operator.arithmetic.sgl'] });
  }
  expect(doc, step, { sub: 'len', has: ['support.function.builtin.sgl', INTERP] });
  expect(doc, step, { sub: '(xs)', has: [INTERP] });
  expect(doc, step, { sub: '[i]', has: [INTERP] });
  expect(doc, step, { sub: 'core', has: ['variable.other.member.sgl', INTERP] });
  expect(doc, step, { sub: '\\n', has: [ESCAPE], not: [INTERP] });

  // fork, and the branches' captures.
  expect(doc, 'fork branch[2] as i {', { sub: 'fork', has: [CONTROL] });
  expect(doc, 'fork branch[2] as i {', { sub: 'branch', has: [CAPTURE] });
  expect(doc, 'fork branch[2] as i {', { sub: '2', has: ['constant.numeric.integer.sgl'] });
  expect(doc, 'fork branch[2] as i {', { sub: 'as', has: [CONTROL] });
  expect(doc, '"Tip {i + 1}:"', { sub: ':', has: [STRING], not: [INTERP, INVALID] });
  expect(doc, 'gen detail(stop: "\\n")', { sub: 'stop', has: [OPTION] });
  const then = '"{branch[0].detail} {len(q) + 1} {flag and not false}"';
  expect(doc, then, { sub: 'branch', has: ['variable.other.sgl', INTERP] });
  expect(doc, then, { sub: '.', has: ['punctuation.accessor.sgl', INTERP] });
  expect(doc, then, { sub: 'detail', has: ['variable.other.member.sgl', INTERP] });
  expect(doc, then, { sub: 'len', has: [INTERP], not: [INVALID] });
  expect(doc, then, { sub: ') + 1}', has: [INTERP], not: [INVALID] });
  expect(doc, then, { sub: 'not', has: ['keyword.operator.logical.sgl', INTERP] });
  expect(doc, then, { sub: 'false', has: ['constant.language.boolean.sgl', INTERP] });
  expect(doc, then + '\n', { sub: '"\n', has: ['punctuation.definition.string.end.sgl'] });

  // Calling another program.
  expect(doc, 'verdict = judge(q, "strict")', { sub: 'verdict', has: [CAPTURE] });
  expect(doc, 'verdict = judge(q, "strict")', { sub: '=', has: ['keyword.operator.assignment.sgl'] });
  expect(doc, 'verdict = judge(q, "strict")', { sub: 'judge', has: ['entity.name.function.sgl'] });
  expect(doc, 'verdict = judge(q, "strict")', { sub: 'q', has: ['variable.other.sgl'] });
}

/// What the lexer rejects: fixtures/invalid.sgl.
function checkInvalid(doc) {
  expect(doc, 'bad escape \\q here', { sub: '\\q', has: [STRING, INVALID] });
  expect(doc, 'bad escape \\q here', { sub: ' here', has: [STRING], not: [INVALID] });
  expect(doc, '"a } b"', { sub: '}', has: [STRING, INVALID], not: [INTERP] });
  expect(doc, '"a } b"', { sub: 'a ', has: [STRING], not: [INVALID] });
  expect(doc, '{i : 1}', { sub: 'i', has: [INTERP, 'variable.other.sgl'], not: [INVALID] });
  expect(doc, '{i : 1}', { sub: ':', has: [INTERP, INVALID] });
  expect(doc, '{i : 1}', { sub: '}', has: ['punctuation.section.interpolation.end.sgl'] });
  expect(doc, '{i : 1} here"', { sub: ' here', has: [STRING], not: [INTERP, INVALID] });
  // A quote that opens no string closed before a `}` means the `}` is missing.
  expect(doc, '"unclosed {name" tail', { sub: 'name', has: [INTERP, 'variable.other.sgl'] });
  expect(doc, '"unclosed {name" tail', { sub: '"', has: ['punctuation.definition.string.begin.sgl'] });
  expect(doc, '{name" tail', { sub: '"', has: ['punctuation.definition.string.end.sgl'], not: [INTERP] });
  expect(doc, '{name" tail', { sub: 'tail', has: ['variable.other.sgl'], not: [STRING] });
  expect(doc, 'backslash \\\n', { sub: '\\', has: [STRING, INVALID] });
  // The line break ended the unterminated string: '@' is program text again.
  expect(doc, '\n  @\n', { sub: '@', has: ['invalid.illegal.character.sgl'], not: [STRING] });
  expect(doc, 'q; !q', { sub: ';', has: ['invalid.illegal.character.sgl'] });
  expect(doc, 'q; !q', { sub: '!', has: ['invalid.illegal.character.sgl'] });
}

/// Declarations left open: fixtures/recovery.sgl.
function checkRecovery(doc) {
  expect(doc, '  name: str,\n', { sub: 'name', has: ['variable.other.member.sgl', 'meta.type.record.sgl'] });
  expect(doc, 'program unclosed(', { sub: 'program', has: ['keyword.other.program.sgl'], not: ['meta.type'] });
  expect(doc, 'program unclosed(', { sub: 'unclosed', has: ['entity.name.function.sgl'] });
  expect(doc, '(a: str {', { sub: 'str', has: [TYPE, 'meta.parameters.sgl'] });
  expect(doc, '(a: str {', { sub: '{', has: ['punctuation.section.block.begin.sgl'], not: ['meta.parameters.sgl', 'meta.program.sgl'] });
  expect(doc, '"still a string {a}"', { has: [STRING], not: ['meta.parameters.sgl', 'meta.program.sgl'] });
  expect(doc, '"still a string {a}"', { sub: '{a}', has: [INTERP] });
  expect(doc, 'program after(b: str) {', { sub: 'after', has: ['entity.name.function.sgl'], not: ['meta.parameters.sgl'] });
  expect(doc, 'program after(b: str) {', { sub: 'b', has: ['variable.parameter.sgl'] });
  expect(doc, '  gen x\n', { sub: 'x', has: [CAPTURE], not: ['meta.program.sgl'] });
}

function checkFixtures(docs) {
  const byName = {
    'constructs.sgl': checkConstructs,
    'syntax.sgl': checkSyntax,
    'invalid.sgl': checkInvalid,
    'recovery.sgl': checkRecovery,
  };
  for (const [name, checkOne] of Object.entries(byName)) {
    if (check(docs.has(name), `test/editors/fixtures/${name} is missing`)) checkOne(docs.get(name));
  }
  for (const [name, doc] of docs) {
    if (name !== 'invalid.sgl') expectClean(doc);
  }
}

//===- Snapshots ----------------------------------------------------------===//

/// The snapshot of a document: a header, then one line per token,
/// `line:col "text" scopes` (1-based; the root scope source.sgl left out).
/// Blanks that carry no scope but the root and meta.* are left out too: their
/// place is clear from the columns of their neighbours.
function snapshotText(doc) {
  const out = [`# ${doc.name}: the scopes of grammar/sgl.tmLanguage.json, one token a line.`,
               `# Written by \`${updateCommand}\`; review the diff before committing it.`];
  doc.lines.forEach((text, line) => {
    for (const t of doc.tokens[line]) {
      const span = text.slice(t.start, t.end);
      const scopes = t.scopes.slice(1);
      if (span.trim() === '' && scopes.every((s) => s.startsWith('meta.'))) continue;
      out.push(`${line + 1}:${t.start + 1} ${JSON.stringify(span)} ${scopes.join(' ')}`.trimEnd());
    }
  });
  return out.join('\n') + '\n';
}

/// The lines of a unified-style diff between two line lists (LCS based),
/// at most `limit` of them, each prefixed with the snapshot line number.
function diffLines(expected, actual, limit) {
  const n = expected.length;
  const m = actual.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = expected[i] === actual[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let changed = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      changed++;
      if (out.length < limit) out.push(`    - ${expected[i]}   (snapshot line ${i + 1})`);
      i++;
    } else {
      changed++;
      if (out.length < limit) out.push(`    + ${actual[j]}`);
      j++;
    }
  }
  if (changed > out.length) out.push(`    ... ${changed - out.length} more changed lines`);
  return out;
}

function snapshotFile(group, name) {
  return path.join(snapshotsDir, group, name.replace(/\.sgl$/, '.scopes'));
}

/// Compares (or with `update`, rewrites) the snapshots of one group of
/// documents, and reports (or deletes) snapshots whose .sgl is gone.
function checkSnapshots(group, docs, update) {
  const dir = path.join(snapshotsDir, group);
  const rel = (f) => path.relative(root, f);
  if (update) fs.mkdirSync(dir, { recursive: true });
  for (const [name, doc] of docs) {
    const file = snapshotFile(group, name);
    const actual = snapshotText(doc);
    if (update) {
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== actual) {
        fs.writeFileSync(file, actual);
        console.log(`highlight-test: wrote ${rel(file)}`);
      }
      continue;
    }
    if (!fs.existsSync(file)) {
      check(false, `no snapshot for ${doc.name}; run \`${updateCommand}\` and review the new ${rel(file)}`);
      continue;
    }
    const expected = fs.readFileSync(file, 'utf8');
    check(expected === actual, `${doc.name} does not tokenize as ${rel(file)} says ` +
          `(- snapshot, + now); if the change is intended run \`${updateCommand}\`:\n` +
          diffLines(expected.split('\n'), actual.split('\n'), 12).join('\n'));
  }
  const known = new Set([...docs.keys()].map((n) => path.basename(snapshotFile(group, n))));
  const stale = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !known.has(f)).sort() : [];
  for (const f of stale) {
    const file = path.join(dir, f);
    if (update) {
      fs.rmSync(file);
      console.log(`highlight-test: deleted ${rel(file)} (no ${group}/${f.replace(/\.scopes$/, '.sgl')})`);
    } else {
      check(false, `${rel(file)} belongs to no .sgl file; delete it or run \`${updateCommand}\``);
    }
  }
}

//===- Main ---------------------------------------------------------------===//

/// name -> document for each .sgl file in `dir`, sorted by name.
function tokenizeDir(grammar, dir) {
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.sgl')).sort();
  return new Map(names.map((f) => [f, textmate.tokenizeFile(grammar, path.join(dir, f))]));
}

function parseArgs(argv) {
  const args = { assertions: true, snapshots: true, update: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--update') {
      args.update = true;
      args.assertions = false;
    } else if (argv[i] === '--only' && ['assertions', 'snapshots'].includes(argv[i + 1])) {
      args.assertions = argv[i + 1] === 'assertions';
      args.snapshots = !args.assertions;
      i++;
    } else {
      console.error('usage: highlight-test.js [--only assertions|snapshots] [--update]');
      process.exit(2);
    }
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const grammar = await textmate.loadGrammar('highlight-test');
  const groups = {
    examples: tokenizeDir(grammar, path.join(root, 'examples')),
    fixtures: tokenizeDir(grammar, fixturesDir),
  };
  if (args.assertions) {
    checkExamples(groups.examples);
    checkFixtures(groups.fixtures);
  }
  if (args.snapshots) {
    for (const [group, docs] of Object.entries(groups)) checkSnapshots(group, docs, args.update);
  }
  if (args.update) return console.log('highlight-test: the snapshots are up to date');
  checks.finish();
}

main().catch(checks.crash);
