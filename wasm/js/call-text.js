// ---- Call text: how calls cross into the core and answers come back -------------------
// This file is inlined into cordon.mjs and cordon.cjs where they say `@include call-text.js`
// (wasm/assemble-wrapper.cmake), so both entries share one copy. It only converts: JSON
// values to UTF-8 text in the module's memory, and answer text back to objects.

// JSON text that is not written into the core's memory (preparse, bundles, webhooks) goes
// as UTF-8 bytes: embind copies a Uint8Array into the std::string byte by byte, where a JS
// string would be measured and then encoded to UTF-8 character by character in JS.
const encoder = new TextEncoder();

// The decisions' text goes into the core's memory as UTF-8 written there directly, and each
// answer is decoded where the core left it: embind's std::string copies text byte by byte in
// JavaScript both ways. Calls up to INBOX_BYTES reuse one buffer.
// ignoreBOM: a reason id may begin with U+FEFF, which a default decoder would drop.
const decoder = new TextDecoder('utf-8', {ignoreBOM: true});
const INBOX_BYTES = 64 * 1024;
let inbox = 0;
// True while a call value is being written into the inbox: a getter in the value that calls
// cordon again must not write there too.
let writingCall = false;

// The bytes of the answer whose {data, size} span the core returned at `spanAddress`.
function answerBytes(module, spanAddress) {
  const span = spanAddress >>> 2;
  const words = module.HEAPU32;  // read after the call: memory may have grown during it
  const start = words[span];
  return module.HEAPU8.subarray(start, start + words[span + 1]);
}

function answerText(module, spanAddress) {
  return decoder.decode(answerBytes(module, spanAddress));
}

// readAnswer(module, span) of decide on text (answerText by default).
function callWithText(module, decide, text, readAnswer = answerText) {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const capacity = Math.max(text.length * 3, 1);
  const reuse = capacity <= INBOX_BYTES && !writingCall;
  if (reuse && !inbox) inbox = module._malloc(INBOX_BYTES);
  const data = reuse ? inbox : module._malloc(capacity);
  if (!data) throw new Error('cordon: the WebAssembly module is out of memory');
  try {
    const {written} = encoder.encodeInto(text, module.HEAPU8.subarray(data, data + capacity));
    return readAnswer(module, decide(data, written));
  } finally {
    if (!reuse) module._free(data);
  }
}

// ---- JSON values written as UTF-8 straight into the module's memory
// Byte for byte what TextEncoder makes of JSON.stringify's text (tests/js/call-text.test.mjs
// compares them), in two thirds of the time: Node 20's JSON.stringify took longer than the
// core took to decide a small call, and its text was then encoded once more. Only plain
// values are written: objects whose prototype is Object.prototype or null, arrays, strings,
// numbers, booleans and null. Anything else (toJSON, class instances, boxed primitives,
// JSON.rawJSON values, BigInt, nesting past MAX_WRITTEN_DEPTH, which includes cycles, or a
// full buffer) answers -1, and the caller goes through JSON.stringify, which serializes or
// refuses it (getters met before that point then run a second time). One difference is
// left, as no cheap test sees it: a BigInt object (Object(1n)) whose prototype was replaced
// by Object.prototype or null is written as {}, where JSON.stringify throws.
const MAX_WRITTEN_DEPTH = 64;
const objectToString = Object.prototype.toString;
const isRawJson = typeof JSON.isRawJSON === 'function' ? JSON.isRawJSON : () => false;
const HEX_DIGITS =
    new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
// For each ASCII code: 0 if it stands for itself, else the letter after the backslash that
// JSON.stringify writes for it ('u' for \u00XX).
const ASCII_ESCAPES = new Uint8Array(128);
for (let code = 0; code < 0x20; code++) ASCII_ESCAPES[code] = 0x75;
const SHORT_ESCAPES = [[8, 'b'], [9, 't'], [10, 'n'], [12, 'f'], [13, 'r'], [34, '"'], [92, '\\']];
for (const [code, letter] of SHORT_ESCAPES) {
  ASCII_ESCAPES[code] = letter.charCodeAt(0);
}

function writeEscapedUnit(heap, at, unit) {
  heap[at] = 92;
  heap[at + 1] = 0x75;
  heap[at + 2] = HEX_DIGITS[unit >> 12];
  heap[at + 3] = HEX_DIGITS[(unit >> 8) & 15];
  heap[at + 4] = HEX_DIGITS[(unit >> 4) & 15];
  heap[at + 5] = HEX_DIGITS[unit & 15];
  return at + 6;
}

function writeJsonString(text, heap, at, end) {
  const length = text.length;
  if (end - at < 6 * length + 2) return -1;  // no code unit takes more than six bytes
  heap[at++] = 34;
  // Most strings are short and plain ASCII: copied by a loop that only looks for the end of
  // that, then the rest unit by unit.
  let i = 0;
  for (; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80 || ASCII_ESCAPES[unit] !== 0) break;
    heap[at + i] = unit;
  }
  at += i;
  for (; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      const escape = ASCII_ESCAPES[unit];
      if (escape === 0) {
        heap[at++] = unit;
      } else if (escape === 0x75) {
        at = writeEscapedUnit(heap, at, unit);
      } else {
        heap[at++] = 92;
        heap[at++] = escape;
      }
    } else if (unit < 0x800) {
      heap[at++] = 0xc0 | (unit >> 6);
      heap[at++] = 0x80 | (unit & 63);
    } else if (unit < 0xd800 || unit > 0xdfff) {
      heap[at++] = 0xe0 | (unit >> 12);
      heap[at++] = 0x80 | ((unit >> 6) & 63);
      heap[at++] = 0x80 | (unit & 63);
    } else {
      const low = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (unit > 0xdbff || low < 0xdc00 || low > 0xdfff) {
        at = writeEscapedUnit(heap, at, unit);  // a lone surrogate, escaped as JSON.stringify does
        continue;
      }
      i++;
      const point = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      heap[at++] = 0xf0 | (point >> 18);
      heap[at++] = 0x80 | ((point >> 12) & 63);
      heap[at++] = 0x80 | ((point >> 6) & 63);
      heap[at++] = 0x80 | (point & 63);
    }
  }
  heap[at++] = 34;
  return at;
}

function writeAscii(text, heap, at, end) {
  if (end - at < text.length) return -1;
  for (let i = 0; i < text.length; i++) heap[at++] = text.charCodeAt(i);
  return at;
}

// A value JSON.stringify leaves out of objects and writes as null in arrays.
function isSkipped(value) {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function writeJsonValue(value, heap, at, end, depth) {
  switch (typeof value) {
    case 'string':
      return writeJsonString(value, heap, at, end);
    case 'number':
      return writeAscii(Number.isFinite(value) ? String(value) : 'null', heap, at, end);
    case 'boolean':
      return writeAscii(value ? 'true' : 'false', heap, at, end);
    case 'object':
      if (value === null) return writeAscii('null', heap, at, end);
      break;
    default:
      return -1;
  }
  if (depth === MAX_WRITTEN_DEPTH || end - at < 2 || value.toJSON !== undefined) return -1;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return -1;
    heap[at++] = 91;
    const length = value.length;
    for (let i = 0; i < length; i++) {
      if (i > 0) {
        if (at === end) return -1;
        heap[at++] = 44;
      }
      const element = value[i];
      at = isSkipped(element) ? writeAscii('null', heap, at, end)
                              : writeJsonValue(element, heap, at, end, depth + 1);
      if (at < 0) return -1;
    }
    if (at === end) return -1;
    heap[at++] = 93;
    return at;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return -1;
  // Number, String and Boolean objects are serialized as their primitive whatever their
  // prototype (their internal slot, which this tag reveals), rawJSON values as their text.
  if (objectToString.call(value) !== '[object Object]' || isRawJson(value)) return -1;
  heap[at++] = 123;
  let first = true;
  // for-in visits the own keys in JSON.stringify's order; inherited ones are ruled out by
  // noInheritedKeys.
  for (const key in value) {
    const member = value[key];
    if (isSkipped(member)) continue;
    if (!first) {
      if (at === end) return -1;
      heap[at++] = 44;
    }
    first = false;
    at = writeJsonString(key, heap, at, end);
    if (at < 0 || at === end) return -1;
    heap[at++] = 58;
    at = writeJsonValue(member, heap, at, end, depth + 1);
    if (at < 0) return -1;
  }
  if (at === end) return -1;
  heap[at++] = 125;
  return at;
}

// for-in also visits enumerable keys of Object.prototype, which JSON.stringify does not.
function noInheritedKeys() {
  for (const key in Object.prototype) return false;
  return true;
}

// Writes value's JSON text into the inbox and calls decide on it: readAnswer(module, span),
// or null when the value is not written that way (the caller then goes through
// JSON.stringify).
function callWithValue(module, decide, value, readAnswer) {
  if (writingCall || !noInheritedKeys()) return null;
  if (!inbox) inbox = module._malloc(INBOX_BYTES);
  if (!inbox) return null;
  const heap = module.HEAPU8;
  let end;
  writingCall = true;
  try {
    end = writeJsonValue(value, heap, inbox, inbox + INBOX_BYTES, 0);
  } catch {
    end = -1;  // a getter threw: JSON.stringify reports it
  } finally {
    writingCall = false;
  }
  // A getter that called cordon may have grown the memory, leaving `heap` detached; one that
  // added an enumerable key to Object.prototype has had it written.
  if (end < 0 || module.HEAPU8 !== heap || !noInheritedKeys()) return null;
  return readAnswer(module, decide(inbox, end - inbox));
}

// cedar-wasm's DetailedError, for input that cannot even be turned into JSON text.
function detailedError(message) {
  return {message, help: null, code: null, url: null, severity: 'error'};
}

// JSON text of a call, or the reason there is none (cycles, BigInt, undefined).
function toJsonText(value, what) {
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return {text};
    return {error: `${what} is not a JSON value`};
  } catch (error) {
    return {error: `${what} cannot be converted to JSON: ${error.message}`};
  }
}

// readAnswer(module, span) of decide on value's JSON text, or failure(reason) when value
// has none.
function callWithJson(module, decide, value, what, readAnswer, failure) {
  const answer = callWithValue(module, decide, value, readAnswer);
  if (answer !== null) return answer;
  const json = toJsonText(value, what);
  return json.error ? failure(json.error) : callWithText(module, decide, json.text, readAnswer);
}

// ---- Answers
// The answer object of a decision from its span: the compact answer of json_api.h ("A" or
// "D", then '"' and each reason id), built without reading JSON, or else the answer's JSON
// text (errors, escapes in a policy id, the stateless isAuthorized).
function decisionAt(module, spanAddress) {
  const bytes = answerBytes(module, spanAddress);
  const first = bytes.length > 0 ? bytes[0] : 0;
  if (first !== 0x41 && first !== 0x44) return JSON.parse(decoder.decode(bytes));
  const reason = bytes.length === 1 ? [] : decoder.decode(bytes.subarray(2)).split('"');
  const decision = first === 0x41 ? 'allow' : 'deny';
  return {type: 'success', response: {decision, diagnostics: {reason, errors: []}}, warnings: []};
}

// A decision's failure for a call that has no JSON text.
function decisionFailure(reason) {
  return {type: 'failure', errors: [detailedError(reason)], warnings: []};
}

// A bundle call's answer object (cordon/domain_json.h), from its JSON text.
function domainAnswerAt(module, spanAddress) {
  return JSON.parse(answerText(module, spanAddress));
}

// The failure of any other call that has no JSON text.
function callFailure(reason) {
  return {type: 'failure', errors: [detailedError(reason)]};
}
