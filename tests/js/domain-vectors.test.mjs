// WASM runner of the shared domain vectors (tests/vectors/domain/*.json), run with
// `node --test` against the installed npm package. Each vector file names a bundle
// directory (relative to the file) whose files are read here and loaded with loadBundle;
// each case is one domain call (route, mask, scrub, gate, matrix) through the bundle's
// *Json methods, or a load of another bundle. The answer must match the case's `expected`
// pattern (an object matches when each of its members matches, an array when it has as
// many items and each matches, anything else when equal). The raw answers are written to
// $CORDON_VECTOR_OUT/domain-wasm.txt (one `<file>#<case>\t<answer>` line per case, in
// file-name then case order), which scripts/test-all.sh compares byte for byte with the
// native and Python runners' files. The object API (bundle.route(...), ...) must agree.
//
// Vectors come from $CORDON_VECTORS_DIR/domain, else from ../vectors/domain next to this file.
import {loadBundle} from 'cordon-policy';
import assert from 'node:assert/strict';
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {compactText, member, parseLossless} from './lossless-json.mjs';

const VECTORS_DIR =
    process.env.CORDON_VECTORS_DIR || fileURLToPath(new URL('../vectors/', import.meta.url));
const DOMAIN_DIR = join(VECTORS_DIR, 'domain');
const CALLS = ['route', 'mask', 'scrub', 'gate', 'matrix'];

// Every file under `directory`, keyed by its /-separated relative path, sorted by name.
function readBundleFiles(directory) {
  const files = {};
  const walk = (folder, prefix) => {
    for (const entry of readdirSync(folder, {withFileTypes: true})) {
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(join(folder, entry.name), name);
      } else if (entry.isFile()) {
        files[name] = readFileSync(join(folder, entry.name), 'utf8');
      }
    }
  };
  walk(directory, '');
  return Object.fromEntries(Object.keys(files).sort().map((name) => [name, files[name]]));
}

function loadCall(loadInput) {
  const call = {files: readBundleFiles(resolve(join(DOMAIN_DIR, loadInput.bundle)))};
  if (loadInput.options !== undefined) call.options = loadInput.options;
  return call;
}

// Empty when `answer` matches `pattern`, else where and how it differs.
function mismatch(pattern, answer, at = '') {
  if (pattern !== null && typeof pattern === 'object' && !Array.isArray(pattern)) {
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
      return `${at}: expected an object, got ${JSON.stringify(answer)}`;
    }
    for (const [key, value] of Object.entries(pattern)) {
      if (!(key in answer)) return `${at}/${key}: missing`;
      const why = mismatch(value, answer[key], `${at}/${key}`);
      if (why) return why;
    }
    return '';
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(answer) || answer.length !== pattern.length) {
      return `${at}: expected ${pattern.length} items, got ${JSON.stringify(answer)}`;
    }
    for (let i = 0; i < pattern.length; i++) {
      const why = mismatch(pattern[i], answer[i], `${at}/${i}`);
      if (why) return why;
    }
    return '';
  }
  if (pattern !== answer) {
    return `${at}: expected ${JSON.stringify(pattern)}, got ${JSON.stringify(answer)}`;
  }
  return '';
}

// True when a lossless node holds an integer that JSON.parse would round.
function hasUnsafeInteger(node) {
  if (node.members) return node.members.some(([, value]) => hasUnsafeInteger(value));
  if (node.items) return node.items.some(hasUnsafeInteger);
  return /^-?[0-9]+$/.test(node.scalar) && !Number.isSafeInteger(Number(node.scalar));
}

function loadCases() {
  // By file name, the order every runner uses (the names are ASCII).
  const files = readdirSync(DOMAIN_DIR).filter((name) => name.endsWith('.json')).sort();
  const cases = [];
  for (const file of files) {
    const text = readFileSync(join(DOMAIN_DIR, file), 'utf8');
    const document = JSON.parse(text);
    const lossless = parseLossless(text);
    const bundleInput = document.bundle === undefined ?
        null :
        {bundle: document.bundle, ...(document.options ? {options: document.options} : {})};
    member(lossless, 'cases').items.forEach((caseNode, n) => {
      const vectorCase = document.cases[n];
      cases.push({
        id: `${file}#${vectorCase.name}`,
        file,
        bundleInput,
        vectorCase,
        // The call's JSON text exactly as the other runners write it (integers kept whole);
        // a string input is the text itself (malformed calls).
        inputNode: member(caseNode, 'input'),
        inputText: typeof vectorCase.input === 'string' ? vectorCase.input :
                                                          compactText(member(caseNode, 'input')),
      });
    });
  }
  return cases;
}

const cases = loadCases();
const bundles = new Map();  // vector file -> its loaded Bundle
const answers = new Map();
for (const {id, file, bundleInput, vectorCase, inputText} of cases) {
  if (bundleInput && !bundles.has(file)) {
    const loaded = loadBundle(loadCall(bundleInput));
    assert.equal(loaded.type, 'success', `${file}: ${JSON.stringify(loaded)}`);
    bundles.set(file, loaded.bundle);
  }
  if (vectorCase.call === 'load') {
    const loaded = loadBundle(loadCall(vectorCase.input));
    // A Bundle writes itself as {name, revision, digest}: the engine's load answer.
    answers.set(id, JSON.stringify(loaded));
    if (loaded.type === 'success') loaded.bundle.dispose();
  } else {
    answers.set(id, bundles.get(file)[`${vectorCase.call}Json`](inputText));
  }
}

if (process.env.CORDON_VECTOR_OUT) {
  mkdirSync(process.env.CORDON_VECTOR_OUT, {recursive: true});
  const lines = cases.map(({id}) => `${id}\t${answers.get(id)}\n`).join('');
  writeFileSync(join(process.env.CORDON_VECTOR_OUT, 'domain-wasm.txt'), lines, 'utf8');
}

test('domain vectors are present, case names unique, every call covered', () => {
  assert.ok(cases.length > 0, `no domain vector cases in ${DOMAIN_DIR}`);
  assert.equal(answers.size, cases.length, 'a case name is used twice in one file');
  const calls = new Set(cases.map(({vectorCase}) => vectorCase.call));
  assert.deepEqual([...calls].sort(), ['load', ...CALLS].sort());
});

for (const {id, file, vectorCase, inputText, inputNode} of cases) {
  test(id, () => {
    const raw = answers.get(id);
    const answer = JSON.parse(raw);
    const why = mismatch(vectorCase.expected, answer);
    assert.equal(why, '', `${why}\n${raw}`);
    if (vectorCase.call !== 'load' && typeof vectorCase.input !== 'string' &&
        !hasUnsafeInteger(inputNode)) {
      // The object API answers the same (for calls without integers beyond 2^53).
      assert.deepEqual(bundles.get(file)[vectorCase.call](JSON.parse(inputText)), answer);
    }
  });
}
