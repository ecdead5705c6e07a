#!/usr/bin/env node
// Writes a policy bundle's files as one JSON object {relative path: text}, the `files` that
// loadBundle takes. Edge runtimes have no file system, so the examples import this JSON
// (workerd: a json module; Vercel: a JSON import) instead of reading the bundle's folder.
//
//   node examples/pack-bundle.mjs policies/elaygent OUTPUT.json --key policies/keys/elaygent.pub
//
// With --key, the bundle is packed only if it loads with its Ed25519 signature verified by
// that public key (with the cordon-policy package). The check belongs here, where the bundle
// enters the build: the JSON then ships inside the function's own code, so checking it again
// on every cold start would cost time without protecting anything the code itself is not.
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
  const args = process.argv.slice(2);
  const keyAt = args.indexOf('--key');
  const keyFile = keyAt >= 0 ? args.splice(keyAt, 2)[1] : undefined;
  const [directory, output] = args;
  if (!directory || !output || (keyAt >= 0 && !keyFile)) {
    console.error('usage: node examples/pack-bundle.mjs BUNDLE_DIR OUTPUT.json [--key PUBLIC_KEY_FILE]');
    process.exit(2);
  }
  const files = bundleFiles(directory);
  if (keyFile) {
    const {loadBundle} = await import('cordon-policy');
    const verificationKey = readFileSync(keyFile, 'utf8').trim();
    const loaded = loadBundle({files, options: {requireSignature: 'ed25519', verificationKey}});
    if (loaded.type === 'failure') {
      console.error(`${directory}: not packed: ${loaded.errors[0].message}`);
      process.exit(1);
    }
    loaded.bundle.dispose();
  }
  writeFileSync(output, JSON.stringify(files) + '\n');
}
