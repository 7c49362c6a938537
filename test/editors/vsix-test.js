#!/usr/bin/env node
// vsix-test.js - the VS Code extension in editors/vscode/ packages with vsce
// and carries the one grammar.
//
//   node test/editors/vsix-test.js          (ctest: editors.vsix)
//
// Checks the extension's package.json against grammar/sgl.tmLanguage.json and
// its language-configuration.json (comments, brackets, auto-closing, folding);
// runs `vsce package` (the @vscode/vsce dev dependency, never a download) into
// a temporary folder and `vsce ls`, and checks that the .vsix holds
// extension/syntaxes/sgl.tmLanguage.json byte for byte equal to
// grammar/sgl.tmLanguage.json and extension/language-configuration.json equal
// to the one in editors/vscode/, and that `vsce ls` lists both. Packaging
// stages the grammar in editors/vscode/syntaxes/ (git-ignored); the test
// checks that it leaves no other file in the source tree.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { root, grammarFile } = require('./textmate');
const checks = require('./checks')('vsix-test');
const { check } = checks;

const extensionDir = path.join(root, 'editors/vscode');

/// The installed vsce's command-line script (run with this node, so no
/// shell wrapper and no npx download is involved), or null.
function findVsce() {
  try {
    const manifest = require.resolve('@vscode/vsce/package.json', { paths: [root] });
    return path.join(path.dirname(manifest), require(manifest).bin.vsce);
  } catch {
    return null;
  }
}
const vsceBin = findVsce();

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    check(false, `${path.relative(root, file)}: ${e.message}`);
    return null;
  }
}

//===- The manifest and the language configuration ------------------------===//

/// Returns the paths (inside the extension) of the grammar and the
/// configuration that package.json declares.
function checkManifest(manifest, grammarJson) {
  const label = 'editors/vscode/package.json';
  for (const field of ['name', 'publisher', 'version', 'displayName']) {
    check(typeof manifest[field] === 'string' && manifest[field] !== '', `${label}: '${field}' is missing`);
  }
  check(typeof manifest.engines?.vscode === 'string', `${label}: 'engines.vscode' is missing`);
  check(manifest.scripts?.['vscode:prepublish'], `${label}: no vscode:prepublish script stages the grammar`);
  const language = (manifest.contributes?.languages ?? []).find((l) => l.id === 'sgl');
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
  if (!language) return { grammarPath, configPath: null };
  check(language.extensions?.includes('.sgl'), `${label}: language 'sgl' does not claim '.sgl'`);
  check(Array.isArray(language.aliases) && language.aliases.length > 0, `${label}: language 'sgl' has no aliases`);
  check(language.configuration, `${label}: language 'sgl' has no configuration`);
  const configPath = language.configuration ? path.posix.normalize(language.configuration) : null;
  return { grammarPath, configPath };
}

function checkConfiguration(config) {
  const label = 'editors/vscode/language-configuration.json';
  const has = (list, pair) => (list ?? []).some((x) => JSON.stringify(x) === JSON.stringify(pair));
  check(config.comments?.lineComment === '//', `${label}: lineComment is not //`);
  check(JSON.stringify(config.comments?.blockComment) === '["/*","*/"]', `${label}: blockComment is not /* */`);
  for (const pair of [['{', '}'], ['[', ']'], ['(', ')']]) {
    check(has(config.brackets, pair), `${label}: brackets lack ${pair.join('')}`);
    check(has(config.surroundingPairs, pair), `${label}: surroundingPairs lack ${pair.join('')}`);
  }
  for (const open of ['{', '[', '(', '"', '/*']) {
    check((config.autoClosingPairs ?? []).some((p) => p.open === open),
          `${label}: no auto-closing pair opens with ${open}`);
  }
  const markers = config.folding?.markers;
  check(markers && new RegExp(markers.start).test('  // region') && new RegExp(markers.end).test('// endregion'),
        `${label}: folding.markers do not match // region and // endregion`);
}

//===- Packaging ----------------------------------------------------------===//

/// The entries of a zip file, as name -> Buffer (deflated or stored).
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

/// Runs the installed vsce in editors/vscode/; returns its stdout.
function vsce(args) {
  return execFileSync(process.execPath, [vsceBin, ...args], {
    cwd: extensionDir, stdio: 'pipe', encoding: 'utf8',
  });
}

/// Files under editors/vscode/ that git would offer to add: the test must
/// not create any. null when this is no git checkout (nothing to compare).
function untrackedFiles() {
  try {
    return execFileSync('git', ['ls-files', '--others', '--exclude-standard', '--', '.'],
                        { cwd: extensionDir, stdio: 'pipe', encoding: 'utf8' });
  } catch {
    return null;
  }
}

function checkPackage(grammarPath, configPath) {
  if (!check(vsceBin, `cannot find @vscode/vsce; run \`npm ci\` in ${root}`)) return;
  const untrackedBefore = untrackedFiles();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sgl-vsix-'));
  try {
    const vsix = path.join(tmp, 'sgl.vsix');
    vsce(['package', '--out', vsix]);
    const entries = unzip(fs.readFileSync(vsix));
    const names = [...entries.keys()];
    for (const name of ['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json']) {
      check(entries.has(name), `the .vsix lacks ${name} (has ${names.join(', ')})`);
    }
    const expectSame = (entry, file) => {
      const rel = path.relative(root, file);
      if (check(entries.has(entry), `the .vsix lacks ${entry} (has ${names.join(', ')})`)) {
        check(entries.get(entry).equals(fs.readFileSync(file)), `${entry} in the .vsix differs from ${rel}`);
      }
    };
    expectSame(`extension/${grammarPath}`, grammarFile);
    if (configPath) expectSame(`extension/${configPath}`, path.join(extensionDir, configPath));
    check(!names.some((n) => n.endsWith('.vsix') || n.endsWith('.gitignore')),
          `the .vsix holds files .vscodeignore should leave out: ${names.join(', ')}`);

    const listed = vsce(['ls']).split('\n').map((l) => l.trim()).filter(Boolean);
    for (const file of [grammarPath, configPath].filter(Boolean)) {
      check(listed.includes(file), `\`vsce ls\` does not list ${file} (lists ${listed.join(', ')})`);
    }
  } catch (e) {
    check(false, `vsce: ${[e.message, e.stdout, e.stderr].filter(Boolean).join('\n').trim()}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const untrackedAfter = untrackedFiles();
  check(untrackedBefore === null || untrackedAfter === untrackedBefore,
        `packaging left files in editors/vscode/ that git does not ignore:\n${untrackedAfter}`);
}

function main() {
  const grammarJson = readJson(grammarFile);
  const manifest = readJson(path.join(extensionDir, 'package.json'));
  if (grammarJson && manifest) {
    const { grammarPath, configPath } = checkManifest(manifest, grammarJson);
    const config = configPath ? readJson(path.join(extensionDir, configPath)) : null;
    if (config) checkConfiguration(config);
    checkPackage(grammarPath, configPath);
  }
  checks.finish();
}

try {
  main();
} catch (e) {
  checks.crash(e);
}
