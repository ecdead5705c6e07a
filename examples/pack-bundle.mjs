#!/usr/bin/env node
// Writes a policy bundle's files as one JSON object {relative path: text}, the `files` that
// loadBundle takes. Edge runtimes have no file system, so the examples import this JSON
// (workerd: a json module; Vercel: a JSON import) instead of reading the bundle's folder.
//
//   node examples/pack-bundle.mjs policies/elaygent examples/cloudflare-worker/elaygent.bundle.json
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

/** Every file under `directory` (dot files too: .signatures.json), keyed by its path with `/`. */
export function bundleFiles(directory, prefix = '', files = {}) {
  const entries = readdirSync(directory, {withFileTypes: true})
                      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) bundleFiles(join(directory, entry.name), name, files);
    else if (entry.isFile()) files[name] = readFileSync(join(directory, entry.name), 'utf8');
  }
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [directory, output] = process.argv.slice(2);
  if (!directory || !output) {
    console.error('usage: node examples/pack-bundle.mjs BUNDLE_DIR OUTPUT.json');
    process.exit(2);
  }
  writeFileSync(output, JSON.stringify(bundleFiles(directory)) + '\n');
}
