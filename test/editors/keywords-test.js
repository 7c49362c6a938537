#!/usr/bin/env node
// keywords-test.js - the reserved words of the ANTLR lexer and of the TextMate
// grammar must be the same set.
//
//   node test/editors/keywords-test.js          (ctest: editors.keywords)
//
// The lexer's keywords are its rules `NAME : 'word' ;` (lexer commands such as
// `-> type(AND)` allowed, fragments not) in grammar/SGLLexer.g4 whose literal
// is a word. The TextMate grammar's are the words of the \b(?:a|b)\b
// alternations in its `keywords` repository entry. Prints the words that only
// one side has; also checks that VS Code's tokenizer gives each of them a
// keyword (or constant.language) scope in a program body, and gives none to
// the built-in type and function names, which are identifiers.
'use strict';

const fs = require('fs');
const path = require('path');
const textmate = require('./textmate');
const checks = require('./checks')('keywords-test');
const { check } = checks;

const lexerFile = path.join(textmate.root, 'grammar/SGLLexer.g4');
const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/// The tokens of an ANTLR grammar that matter for finding rules: words,
/// quoted literals (with their text), character sets and punctuation.
/// Comments and blanks are dropped, so a `;` or `//` inside a literal or a
/// set is never mistaken for the end of a rule or a comment.
function g4Tokens(text) {
  const tokens = [];
  let i = 0;
  const skipQuoted = (close) => {
    for (i++; i < text.length && text[i] !== close; i++) if (text[i] === '\\') i++;
    i++;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === "'") {
      const start = i;
      skipQuoted("'");
      tokens.push({ kind: 'literal', text: text.slice(start + 1, i - 1) });
    } else if (c === '[') {
      skipQuoted(']');
      tokens.push({ kind: 'set' });
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i) });
    } else if (text.startsWith('->', i)) {
      tokens.push({ kind: 'punct', text: '->' });
      i += 2;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

/// The keywords of a lexer grammar: word -> rule names that match it.
function lexerKeywords(text) {
  const tokens = g4Tokens(text);
  const keywords = new Map();
  const isPunct = (t, p) => t && t.kind === 'punct' && t.text === p;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const [name, colon, literal, after] = tokens.slice(i, i + 4);
    const ruleStart = i === 0 || isPunct(tokens[i - 1], ';') || isPunct(tokens[i - 1], '}');
    if (!ruleStart || name.kind !== 'word' || !isPunct(colon, ':')) continue;
    // Only lexer rules (upper-case first letter) that are tokens, not fragments.
    if (!/^[A-Z]/.test(name.text) || (i > 0 && tokens[i - 1].text === 'fragment')) continue;
    if (!literal || literal.kind !== 'literal' || !WORD.test(literal.text)) continue;
    if (!isPunct(after, ';') && !isPunct(after, '->')) continue;
    if (!keywords.has(literal.text)) keywords.set(literal.text, []);
    keywords.get(literal.text).push(name.text);
  }
  return keywords;
}

/// The keywords of the TextMate grammar: word -> scope name.
function grammarKeywords(grammarJson) {
  const keywords = new Map();
  const entry = grammarJson.repository?.keywords;
  if (!check(entry && Array.isArray(entry.patterns), 'grammar/sgl.tmLanguage.json has no repository.keywords.patterns')) {
    return keywords;
  }
  for (const pattern of entry.patterns) {
    const m = /^\\b\(\?:([A-Za-z0-9_|]+)\)\\b$/.exec(pattern.match ?? '');
    if (!check(m, `repository.keywords: cannot read pattern ${JSON.stringify(pattern.match)} ` +
                  `(write it as \\\\b(?:word|word)\\\\b)`)) continue;
    for (const word of m[1].split('|')) {
      check(!keywords.has(word), `repository.keywords: '${word}' is listed twice`);
      keywords.set(word, pattern.name);
    }
  }
  return keywords;
}

function compareSets(lexer, grammar) {
  const onlyLexer = [...lexer.keys()].filter((w) => !grammar.has(w)).sort();
  const onlyGrammar = [...grammar.keys()].filter((w) => !lexer.has(w)).sort();
  check(onlyLexer.length === 0,
        `keywords of grammar/SGLLexer.g4 missing from grammar/sgl.tmLanguage.json: ${onlyLexer.join(' ')}`);
  check(onlyGrammar.length === 0,
        `keywords of grammar/sgl.tmLanguage.json that grammar/SGLLexer.g4 does not have: ${onlyGrammar.join(' ')}`);
}

const isKeywordScope = (s) => textmate.matches(s, 'keyword') || textmate.matches(s, 'constant.language');

/// Each word alone in a program body, as VS Code colours it (a fresh
/// document per word: `program` or `type` alone opens a declaration that
/// would colour the words after it).
function checkTokenized(grammar, keywords) {
  const identifiers = ['str', 'int', 'number', 'bool', 'len', 'greedy', 'programs', 'if_'];
  for (const word of [...keywords, ...identifiers]) {
    const doc = textmate.tokenize(grammar, `program p() {\n  ${word}\n}\n`, word);
    const token = doc.tokens[1].find((t) => doc.lines[1].slice(t.start, t.end) === word);
    const scopes = token ? token.scopes : [];
    if (keywords.includes(word)) {
      check(scopes.some(isKeywordScope), `'${word}' alone in a program body gets no keyword scope: [${scopes.join(' ')}]`);
    } else {
      check(token && !scopes.some(isKeywordScope), `'${word}' is not a keyword but is coloured as one: [${scopes.join(' ')}]`);
    }
  }
}

async function main() {
  const lexer = lexerKeywords(fs.readFileSync(lexerFile, 'utf8'));
  check(lexer.size > 0, 'found no keyword rule in grammar/SGLLexer.g4 (fix the test)');
  const grammarJson = JSON.parse(fs.readFileSync(textmate.grammarFile, 'utf8'));
  const grammar = grammarKeywords(grammarJson);
  compareSets(lexer, grammar);
  checkTokenized(await textmate.loadGrammar('keywords-test'), [...new Set([...lexer.keys(), ...grammar.keys()])].sort());
  console.log(`keywords-test: SGLLexer.g4 reserves ${[...lexer.keys()].sort().join(' ')}`);
  checks.finish();
}

main().catch(checks.crash);
