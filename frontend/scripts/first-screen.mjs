#!/usr/bin/env node
// What the first screen downloads: the JS the built index.html loads (the entry and its static
// imports: the sign-in page and the shell) plus what the landing route adds (its lazy chunk and that
// chunk's static imports). Reads the manifest of a build made with `--manifest`:
//
//   npx vite build --manifest --outDir /tmp/dist && node scripts/first-screen.mjs /tmp/dist [landing source…]
//
// Prints one line per chunk (raw and gzip kB) and the totals; the landing default is the inbox.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const landing = process.argv.length > 3 ? process.argv.slice(3) : ['src/pages/inbox/InboxPage.tsx'];
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const seen = new Map();
function visit(key, why) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the manifest`);
  if (seen.has(chunk.file)) return;
  seen.set(chunk.file, why);
  for (const dep of chunk.imports ?? []) visit(dep, why);
}
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
visit(entry, 'entry');
for (const page of landing) visit(page, 'landing');

const kb = (n) => (n / 1000).toFixed(2).padStart(9);
let raw = 0;
let gz = 0;
const rows = [...seen].map(([file, why]) => {
  const body = readFileSync(join(dist, file));
  const size = statSync(join(dist, file)).size;
  const zipped = gzipSync(body, { level: 9 }).length;
  raw += size;
  gz += zipped;
  return { file, why, size, zipped };
}).sort((a, b) => b.size - a.size);
for (const r of rows) console.log(`${kb(r.size)} kB ${kb(r.zipped)} kB gzip  ${r.why.padEnd(7)} ${r.file}`);
console.log(`${kb(raw)} kB ${kb(gz)} kB gzip  total (${rows.length} chunks)`);
