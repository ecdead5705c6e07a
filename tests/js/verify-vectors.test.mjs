// WASM runner of the shared verification vectors (tests/vectors/verify/*.json), run with
// `node --test` against the installed npm package: each case is one call of
// cordon/verify_json.h through the package's *Json functions (webhook, sign, url,
// credential, digest), whose answer must match the case's `expected` pattern (an object
// matches when each of its members matches, an array when it has as many items and each
// matches, anything else when equal). The raw answers are written to
// $CORDON_VECTOR_OUT/verify-wasm.txt (one `<file>#<case>\t<answer>` line per case, in
// file-name then case order), to compare byte for byte with the native and Python runners'
// files. The object API (verifyWebhook(...), ...) must agree.
//
// Vectors come from $CORDON_VECTORS_DIR/verify, else from ../vectors/verify next to this file.
import * as cordon from 'cordon-policy';
import assert from 'node:assert/strict';
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const VECTORS_DIR =
    process.env.CORDON_VECTORS_DIR || fileURLToPath(new URL('../vectors/', import.meta.url));
const VERIFY_DIR = join(VECTORS_DIR, 'verify');
const CALLS = {
  webhook: ['verifyWebhookJson', 'verifyWebhook'],
  sign: ['signWebhookJson', 'signWebhook'],
  url: ['checkOutboundUrlJson', 'checkOutboundUrl'],
  credential: ['checkCredentialJson', 'checkCredential'],
  digest: ['credentialDigestJson', 'credentialDigest'],
};

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

function loadCases() {
  const files = readdirSync(VERIFY_DIR).filter((name) => name.endsWith('.json')).sort();
  const cases = [];
  for (const file of files) {
    const document = JSON.parse(readFileSync(join(VERIFY_DIR, file), 'utf8'));
    for (const vectorCase of document.cases) {
      // Compact JSON with members in file order, as the other runners write it (the vectors
      // hold no integer beyond 2^53 and no integer-like member name).
      const inputText = typeof vectorCase.input === 'string' ? vectorCase.input :
                                                               JSON.stringify(vectorCase.input);
      cases.push({id: `${file}#${vectorCase.name}`, vectorCase, inputText});
    }
  }
  return cases;
}

const cases = loadCases();
const answers = new Map();
for (const {id, vectorCase, inputText} of cases) {
  const [jsonCall] = CALLS[vectorCase.call] ?? [];
  answers.set(id, jsonCall ? cordon[jsonCall](inputText) : `unknown call ${vectorCase.call}`);
}

if (process.env.CORDON_VECTOR_OUT) {
  mkdirSync(process.env.CORDON_VECTOR_OUT, {recursive: true});
  const lines = cases.map(({id}) => `${id}\t${answers.get(id)}\n`).join('');
  writeFileSync(join(process.env.CORDON_VECTOR_OUT, 'verify-wasm.txt'), lines, 'utf8');
}

test('verification vectors are present, case names unique, every call covered', () => {
  assert.ok(cases.length > 150, `too few verification vector cases in ${VERIFY_DIR}`);
  assert.equal(answers.size, cases.length, 'a case name is used twice in one file');
  const calls = new Set(cases.map(({vectorCase}) => vectorCase.call));
  assert.deepEqual([...calls].sort(), Object.keys(CALLS).sort());
});

for (const {id, vectorCase, inputText} of cases) {
  test(id, () => {
    const raw = answers.get(id);
    const answer = JSON.parse(raw);
    const why = mismatch(vectorCase.expected, answer);
    assert.equal(why, '', `${why}\n${raw}`);
    if (typeof vectorCase.input !== 'string') {
      const [, objectCall] = CALLS[vectorCase.call];
      assert.deepEqual(cordon[objectCall](JSON.parse(inputText)), answer);
    }
  });
}
