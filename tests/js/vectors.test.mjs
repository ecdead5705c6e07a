// WASM runner of the shared vectors (tests/vectors/*.json), run with `node --test`
// against the installed npm package: each case's call goes through the package's
// isAuthorizedJson as JSON text and the answer is checked against the case's
// expectation. The raw answers are written to $CORDON_VECTOR_OUT/wasm.txt (one
// `<file>#<case>\t<answer>` line per case, in file-name then case order), which
// scripts/test-all.sh compares byte for byte with the native and Python runners' files.
//
// Vectors come from $CORDON_VECTORS_DIR, else from ../vectors next to this file.
import {isAuthorizedJson} from 'cordon-policy';
import assert from 'node:assert/strict';
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {compactText, member, parseLossless} from './lossless-json.mjs';

const VECTORS_DIR =
    process.env.CORDON_VECTORS_DIR || fileURLToPath(new URL('../vectors/', import.meta.url));

function loadCases() {
  // By file name, the order every runner uses (the names are ASCII).
  const files = readdirSync(VECTORS_DIR).filter((name) => name.endsWith('.json')).sort();
  const cases = [];
  for (const file of files) {
    const text = readFileSync(join(VECTORS_DIR, file), 'utf8');
    const document = JSON.parse(text);
    const lossless = parseLossless(text);
    member(lossless, 'cases').items.forEach((caseNode, n) => {
      const {name, expected} = document.cases[n];
      cases.push(
          {id: `${file}#${name}`, callText: compactText(member(caseNode, 'call')), expected});
    });
  }
  return cases;
}

const cases = loadCases();
const answers = new Map(cases.map(({id, callText}) => [id, isAuthorizedJson(callText)]));

if (process.env.CORDON_VECTOR_OUT) {
  mkdirSync(process.env.CORDON_VECTOR_OUT, {recursive: true});
  const lines = cases.map(({id}) => `${id}\t${answers.get(id)}\n`).join('');
  writeFileSync(join(process.env.CORDON_VECTOR_OUT, 'wasm.txt'), lines, 'utf8');
}

test('vectors are present and case names are unique', () => {
  assert.ok(cases.length > 0, `no vector cases in ${VECTORS_DIR}`);
  assert.equal(answers.size, cases.length, 'a case name is used twice in one file');
});

for (const {id, expected} of cases) {
  test(id, () => {
    const raw = answers.get(id);
    const answer = JSON.parse(raw);
    if ('failure' in expected) {
      assert.equal(answer.type, 'failure', raw);
      assert.ok(answer.errors.length > 0, raw);
      assert.ok(answer.errors[0].message.includes(expected.failure), raw);
      return;
    }
    assert.equal(answer.type, 'success', raw);
    const {decision, diagnostics} = answer.response;
    assert.equal(decision, expected.decision, raw);
    // A list a vector omits means "none".
    assert.deepEqual(new Set(diagnostics.reason), new Set(expected.reason ?? []), raw);
    const errored = new Set(diagnostics.errors.map((error) => error.policyId));
    assert.deepEqual(errored, new Set(expected.errors ?? []), raw);
  });
}
