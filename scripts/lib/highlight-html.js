#!/usr/bin/env node
// highlight-html.js - write a .sgl file as HTML coloured by the scopes of
// grammar/sgl.tmLanguage.json, for scripts/highlight-screenshot to render.
//
//   node scripts/lib/highlight-html.js FILE.sgl OUT.html
//
// Tokenizes with VS Code's tokenizer (test/editors/textmate.js) and colours
// each token by the theme below, a small dark one in the manner of VS Code's
// Dark+: like a TextMate theme, the innermost scope that some rule selects
// decides, and among the rules that select it the longest selector. Prints
// the window size that fits the page, as `WIDTH,HEIGHT`.
'use strict';

const fs = require('fs');
const path = require('path');
const textmate = require('../../test/editors/textmate');

const FONT_PX = 15;
const LINE_PX = 22;
const CHAR_PX = 9.05; // DejaVu Sans Mono at 15px (0.602 em), rounded up
const PAD_PX = 24;
const GUTTER_CHARS = 4;

const BACKGROUND = '#1e1e1e';
const FOREGROUND = '#d4d4d4';

/// selector -> CSS. A selector selects a scope when it is the scope or a
/// dot-separated prefix of it (`string` selects `string.quoted.double.sgl`).
const THEME = {
  'comment': 'color: #6a9955; font-style: italic',
  'keyword': 'color: #c586c0',
  'keyword.other.program': 'color: #569cd6',
  'keyword.other.type': 'color: #569cd6',
  'keyword.other.role': 'color: #4ec9b0; font-weight: bold',
  'keyword.operator': `color: ${FOREGROUND}`,
  'keyword.operator.logical': 'color: #c586c0',
  'keyword.operator.union': 'color: #569cd6',
  'keyword.operator.optional': 'color: #569cd6',
  'storage.type': 'color: #4ec9b0',
  'storage.type.string': 'color: #569cd6',
  'entity.name.type': 'color: #4ec9b0',
  'entity.name.function': 'color: #dcdcaa',
  'support.function': 'color: #dcdcaa',
  'support.constant': 'color: #4fc1ff',
  'variable': 'color: #9cdcfe',
  'variable.parameter': 'color: #9cdcfe; font-style: italic',
  'variable.other.capture': 'color: #ffb86c; font-weight: bold',
  'variable.other.member': 'color: #9cdcfe',
  'string': 'color: #ce9178',
  'string.quoted.raw': 'color: #d16969',
  'constant.character.escape': 'color: #d7ba7d',
  'constant.numeric': 'color: #b5cea8',
  'constant.language': 'color: #569cd6',
  'meta.interpolation': `color: ${FOREGROUND}`,
  'punctuation.section.interpolation': 'color: #569cd6',
  'punctuation.definition.string': 'color: #ce9178',
  'punctuation.definition.comment': 'color: #6a9955',
  'invalid': 'color: #f44747; text-decoration: underline wavy #f44747',
};

function selects(selector, scope) {
  return scope === selector || scope.startsWith(selector + '.');
}

/// The CSS of a token: from its innermost scope that the theme selects.
function styleOf(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const best = Object.keys(THEME)
      .filter((selector) => selects(selector, scopes[i]))
      .sort((a, b) => b.length - a.length)[0];
    if (best) return THEME[best];
  }
  return '';
}

function escapeHtml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function lineHtml(doc, line) {
  const text = doc.lines[line];
  const spans = doc.tokens[line].map((t) => {
    const style = styleOf(t.scopes);
    const html = escapeHtml(text.slice(t.start, t.end));
    return style ? `<span style="${style}">${html}</span>` : html;
  });
  const number = String(line + 1).padStart(GUTTER_CHARS - 1);
  return `<span class="n">${number} </span>${spans.join('')}`;
}

/// The number of lines to show: a file's final line break starts no line.
function shownLines(doc) {
  const n = doc.lines.length;
  return n > 0 && doc.lines[n - 1] === '' ? n - 1 : n;
}

function pageHtml(doc) {
  const body = Array.from({ length: shownLines(doc) }, (_, line) => lineHtml(doc, line)).join('\n');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(doc.name)}</title>
<style>
  html, body { margin: 0; background: ${BACKGROUND}; }
  pre { margin: 0; padding: ${PAD_PX}px; color: ${FOREGROUND};
        font: ${FONT_PX}px/${LINE_PX}px "DejaVu Sans Mono", monospace; }
  .n { color: #858585; }
</style></head>
<body><pre>${body}</pre></body></html>
`;
}

function windowSize(doc) {
  const columns = Math.max(...doc.lines.map((l) => l.length)) + GUTTER_CHARS;
  return [Math.ceil(columns * CHAR_PX + 2 * PAD_PX), shownLines(doc) * LINE_PX + 2 * PAD_PX];
}

async function main() {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: highlight-html.js FILE.sgl OUT.html');
    process.exit(2);
  }
  const grammar = await textmate.loadGrammar('highlight-html');
  const doc = textmate.tokenize(grammar, fs.readFileSync(input, 'utf8'), path.relative(textmate.root, path.resolve(input)));
  fs.writeFileSync(output, pageHtml(doc));
  console.log(windowSize(doc).join(','));
}

main().catch((e) => {
  console.error(`highlight-html: error: ${e.stack || e}`);
  process.exit(1);
});
