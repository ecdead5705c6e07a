// WASM runner of the first 600 test files of Cedar's conformance corpus, run with
// `node --test` against the installed npm package: each request becomes a cedar-wasm
// AuthorizationCall (the test's policies, entities and schema, the request's principal,
// action, resource, context and validateRequest), goes through isAuthorizedJson as
// JSON text, and must get Cedar's decision, and its reason and errored policy ids as
// sets. The raw answers are written to $CORDON_VECTOR_OUT/corpus-wasm.txt (one
// `<test file>#<request description>\t<answer>` line per request, in file-name then
// request order), which scripts/test-all.sh compares byte for byte with the native and
// Python runners' corpus files.
//
// The corpus is never part of the repository: $CORDON_CORPUS_DIR names the folder that
// holds the unpacked corpus-tests/ (scripts/test-all.sh sets it); without it, skipped.
import {isAuthorizedJson} from 'cordon-policy';
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';

import {compactText, member, parseLossless} from './lossless-json.mjs';

// The same files in every runner: the first ones in file-name order.
const CORPUS_FILE_COUNT = 600;

const CORPUS_DIR = process.env.CORDON_CORPUS_DIR;

function skipReason() {
  if (!CORPUS_DIR) {
    return 'CORDON_CORPUS_DIR is not set (the folder holding Cedar\'s unpacked ' +
        'corpus-tests/; scripts/test-all.sh sets it to build/conformance)';
  }
  if (!existsSync(join(CORPUS_DIR, 'corpus-tests'))) {
    return `CORDON_CORPUS_DIR=${CORPUS_DIR} has no corpus-tests/ folder ` +
        '(unpack corpus-tests.tar.gz there)';
  }
  return null;
}

// The test files' names (not the *.entities.json ones), sorted, the first N. The names
// are ASCII, so this is the order of the other runners too.
function firstTestFiles() {
  return readdirSync(join(CORPUS_DIR, 'corpus-tests'))
      .filter((name) => name.endsWith('.json') && !name.endsWith('.entities.json'))
      .sort()
      .slice(0, CORPUS_FILE_COUNT);
}

// {description, callText, expected} for each request of one test file, in order.
// Paths inside a test are relative to the folder holding corpus-tests/.
function corpusRequests(fileName) {
  const text = readFileSync(join(CORPUS_DIR, 'corpus-tests', fileName), 'utf8');
  const testFile = JSON.parse(text);
  const testNode = parseLossless(text);
  const policies = readFileSync(join(CORPUS_DIR, testFile.policies), 'utf8');
  const entities =
      compactText(parseLossless(readFileSync(join(CORPUS_DIR, testFile.entities), 'utf8')));
  const schema = readFileSync(join(CORPUS_DIR, testFile.schema), 'utf8');
  return member(testNode, 'requests').items.map((requestNode, n) => {
    const request = testFile.requests[n];
    const part = (name) => compactText(member(requestNode, name));
    // Member order is the same in every runner, so the call texts are identical too.
    const callText = `{"principal":${part('principal')},"action":${part('action')},` +
        `"resource":${part('resource')},"context":${part('context')},` +
        `"policies":{"staticPolicies":${JSON.stringify(policies)}},"entities":${entities},` +
        `"schema":${JSON.stringify(schema)},"validateRequest":${part('validateRequest')}}`;
    return {description: request.description, callText, expected: request};
  });
}

// What differs between the raw answer and Cedar's expectation, or null.
function mismatch(raw, expected) {
  const answer = JSON.parse(raw);
  if (answer.type !== 'success') return `not a success: ${raw}`;
  const {decision, diagnostics} = answer.response;
  const sorted = (ids) => [...new Set(ids)].sort();
  const got = [
    decision, sorted(diagnostics.reason), sorted(diagnostics.errors.map((error) => error.policyId))
  ];
  const want = [expected.decision, sorted(expected.reason), sorted(expected.errors)];
  if (JSON.stringify(got) === JSON.stringify(want)) return null;
  return `expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}: ${raw}`;
}

const reason = skipReason();
if (reason) {
  test('Cedar conformance corpus', {skip: reason}, () => {});
} else {
  const files = firstTestFiles();
  // file name -> [{description, raw, expected}], computed once in corpus order.
  const answers = new Map(files.map(
      (file) =>
          [file,
           corpusRequests(file).map(
               ({description, callText, expected}) =>
                   ({description, raw: isAuthorizedJson(callText), expected})),
  ]));

  if (process.env.CORDON_VECTOR_OUT) {
    mkdirSync(process.env.CORDON_VECTOR_OUT, {recursive: true});
    const lines = [];
    for (const [file, answered] of answers) {
      for (const {description, raw} of answered) lines.push(`${file}#${description}\t${raw}\n`);
    }
    writeFileSync(join(process.env.CORDON_VECTOR_OUT, 'corpus-wasm.txt'), lines.join(''), 'utf8');
  }

  test('the corpus has enough test files', () => {
    assert.equal(
        files.length, CORPUS_FILE_COUNT,
        `${CORPUS_DIR}/corpus-tests holds ${files.length} test files`);
  });

  for (const [file, answered] of answers) {
    test(file, () => {
      assert.ok(answered.length > 0, `${file} has no requests`);
      const mismatches = [];
      for (const {description, raw, expected} of answered) {
        const problem = mismatch(raw, expected);
        if (problem) mismatches.push(`${description}: ${problem}`);
      }
      assert.deepEqual(mismatches, []);
    });
  }
}
