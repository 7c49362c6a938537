#!/usr/bin/env node
// pack.js - build the .sgl VS Code extension without vsce.
//
//   node editors/vscode/pack.js              write editors/vscode/sgl-<version>.vsix
//   node editors/vscode/pack.js --out F      write the .vsix to F
//   node editors/vscode/pack.js --stage      copy the grammar into editors/vscode/syntaxes/
//                                            so the folder itself is a loadable extension
//
// The grammar lives once, in grammar/sgl.tmLanguage.json; package.json points at
// ./syntaxes/sgl.tmLanguage.json, which this script fills (in the .vsix, or on
// disk with --stage). A .vsix is a zip holding extension/<files>, an
// extension.vsixmanifest and [Content_Types].xml; entries are deflated and
// dated 1980-01-01 so the same sources give the same bytes.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const extensionDir = __dirname;
const grammarSource = path.resolve(extensionDir, '../../grammar/sgl.tmLanguage.json');

function fail(message) {
  console.error(`pack.js: error: ${message}`);
  process.exit(1);
}

/// Path inside the extension, without a leading "./".
function extensionPath(p) {
  const normal = path.posix.normalize(p).replace(/^(\.\/)+/, '');
  if (normal.startsWith('../') || path.posix.isAbsolute(normal)) {
    fail(`'${p}' in package.json is outside the extension folder`);
  }
  return normal;
}

/// The files of the extension: [path inside extension/, contents].
function extensionFiles(manifest) {
  const read = (p) => fs.readFileSync(path.join(extensionDir, p));
  const files = [['package.json', read('package.json')], ['README.md', read('README.md')]];
  for (const language of manifest.contributes.languages) {
    if (language.configuration) {
      const p = extensionPath(language.configuration);
      files.push([p, read(p)]);
    }
  }
  const grammars = manifest.contributes.grammars;
  if (grammars.length !== 1) fail('package.json must contribute exactly one grammar');
  files.push([extensionPath(grammars[0].path), fs.readFileSync(grammarSource)]);
  return files;
}

function xmlEscape(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function vsixManifest(m) {
  return `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${xmlEscape(m.name)}" Version="${xmlEscape(m.version)}" Publisher="${xmlEscape(m.publisher)}" />
    <DisplayName>${xmlEscape(m.displayName)}</DisplayName>
    <Description xml:space="preserve">${xmlEscape(m.description)}</Description>
    <Categories>${xmlEscape(m.categories.join(','))}</Categories>
    <GalleryFlags>Public</GalleryFlags>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xmlEscape(m.engines.vscode)}" />
    </Properties>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code" />
  </Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true" />
  </Assets>
</PackageManifest>
`;
}

const contentTypes = `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension=".json" ContentType="application/json" />
  <Default Extension=".md" ContentType="text/markdown" />
  <Default Extension=".vsixmanifest" ContentType="text/xml" />
</Types>
`;

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/// A zip archive of [name, Buffer] entries, deflated.
function zip(entries) {
  const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
  const UTF8_NAMES = 0x0800;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = zlib.deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);                    // version needed
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(8, 8);                     // deflate
    local.writeUInt16LE(0, 10);                    // time
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);                    // extra length
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);                  // version made by
    central.writeUInt16LE(20, 6);                  // version needed
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);             // 30..41: extra, comment, disk, attributes = 0
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const usage = `usage: pack.js [--out FILE.vsix | --stage]
  (no option)   write editors/vscode/<name>-<version>.vsix
  --out FILE    write the .vsix to FILE
  --stage       copy the grammar into editors/vscode/syntaxes/`;

function main(argv) {
  if (argv[0] === '-h' || argv[0] === '--help') {
    console.log(usage);
    return;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  const files = extensionFiles(manifest);
  if (argv[0] === '--stage' && argv.length === 1) {
    const [grammarPath, grammar] = files[files.length - 1];
    const target = path.join(extensionDir, grammarPath);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, grammar);
    console.log(`staged ${target}`);
    return;
  }
  let out = path.join(extensionDir, `${manifest.name}-${manifest.version}.vsix`);
  if (argv[0] === '--out' && argv.length === 2) {
    out = path.resolve(argv[1]);
  } else if (argv.length !== 0) {
    fail(`unknown arguments '${argv.join(' ')}'\n${usage}`);
  }
  const entries = [
    ['extension.vsixmanifest', Buffer.from(vsixManifest(manifest))],
    ['[Content_Types].xml', Buffer.from(contentTypes)],
    ...files.map(([p, data]) => [`extension/${p}`, data]),
  ];
  fs.writeFileSync(out, zip(entries));
  console.log(`wrote ${out}`);
}

main(process.argv.slice(2));
