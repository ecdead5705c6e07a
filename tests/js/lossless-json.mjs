// JSON read without losing what the native and Python runners keep, for the JS test
// runners: members in file order and integers exactly as written (JSON.parse rounds
// integers beyond 2^53, and Cedar's are 64-bit). Not a test file itself.
//
//   const node = parseLossless('{"n": 9007199254740993}');
//   compactText(member(node, 'n'));  // '9007199254740993'
//   compactText(node);               // '{"n":9007199254740993}'
//
// A node is {members: [[key, node], ...]}, {items: [node, ...]} or {scalar: text}.
import assert from 'node:assert/strict';

export function parseLossless(text) {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const expect = (char) => {
    skipSpace();
    assert.equal(text[i], char, `expected ${char} at offset ${i}`);
    i++;
  };
  const readString = () => {
    const start = i;
    i++;
    while (text[i] !== '"') {
      assert.ok(i < text.length, `unterminated string at offset ${start}`);
      i += text[i] === '\\' ? 2 : 1;
    }
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const readValue = () => {
    skipSpace();
    if (text[i] === '{' || text[i] === '[') {
      const isObject = text[i] === '{';
      const close = isObject ? '}' : ']';
      const entries = [];
      i++;
      skipSpace();
      while (text[i] !== close) {
        assert.ok(i < text.length, 'unterminated object or array');
        if (entries.length > 0) expect(',');
        skipSpace();
        if (isObject) {
          const key = readString();
          expect(':');
          entries.push([key, readValue()]);
        } else {
          entries.push(readValue());
        }
        skipSpace();
      }
      i++;
      return isObject ? {members: entries} : {items: entries};
    }
    if (text[i] === '"') return {scalar: JSON.stringify(readString())};
    const literal = /^(?:-?[0-9]+|true|false|null)/.exec(text.slice(i, i + 400));
    // Cedar has no fractions; one here would be written differently by each runner.
    assert.ok(
        literal && !/^[.eE]/.test(text[i + literal[0].length] ?? ''),
        `unsupported JSON value at offset ${i}`);
    i += literal[0].length;
    // The other runners read -0 as the integer 0.
    return {scalar: literal[0] === '-0' ? '0' : literal[0]};
  };
  const document = readValue();
  skipSpace();
  assert.equal(i, text.length, 'text after the JSON document');
  return document;
}

// Compact JSON text, as nlohmann's dump() and Python's json.dumps(separators=(",", ":"),
// ensure_ascii=False) write it: strings escape the same characters in all three.
export function compactText(node) {
  const memberText = ([key, value]) => `${JSON.stringify(key)}:${compactText(value)}`;
  if (node.members) return `{${node.members.map(memberText)}}`;
  if (node.items) return `[${node.items.map(compactText)}]`;
  return node.scalar;
}

// The value of an object node's member `key` (the first, if the key repeats).
export function member(node, key) {
  const found = node.members.find(([name]) => name === key);
  assert.ok(found, `no member ${key}`);
  return found[1];
}
