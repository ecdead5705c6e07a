// Known causes of differences between cordon and cedar-wasm, so that a run reports them apart
// and shows what is new. Two kinds:
//   'cordon bug'       cordon is wrong; reported with a minimal repro, kept here until fixed
//                      (a run still fails while any remain);
//   'reference quirk'  cedar-wasm's answer is an artifact of its JS binding, not of Cedar;
//                      the difference is expected and does not fail the run.
//
// An entry attributes a difference either by the reference's own error message or by a
// counterfactual: `recheck(call)` returns the call without the suspected trigger, and the
// difference is attributed only if both engines then agree. Either way a difference that has
// a second cause stays unattributed.
//
//   { name, kind, why, matches({cls, call, ours, theirs}) -> bool, recheck(call) -> call|null }
//
// `ours` and `theirs` are summarized answers (see summary in run.mjs): {kind: 'success',
// decision, reason, errors} or {kind: 'failure', message} or {kind: 'crash', detail}.

const cedarFails = (theirs, ours, pattern) =>
    theirs.kind === 'failure' && ours.kind === 'success' && pattern.test(theirs.message);

// Every policy text of a call, with a function to rewrite them.
function mapPolicyTexts(call, rewrite) {
  const copy = structuredClone(call);
  const p = copy.policies;
  const map = (v) => (typeof v === 'string' ? rewrite(v) : v);
  if (typeof p.staticPolicies === 'string')
    p.staticPolicies = map(p.staticPolicies);
  else if (Array.isArray(p.staticPolicies))
    p.staticPolicies = p.staticPolicies.map(map);
  else if (p.staticPolicies) {
    for (const k of Object.keys(p.staticPolicies)) p.staticPolicies[k] = map(p.staticPolicies[k]);
  }
  for (const k of Object.keys(p.templates ?? {})) p.templates[k] = map(p.templates[k]);
  return copy;
}

// The call with every JSON escape made plain: an escape object with keys besides the escape
// becomes {}, and unknown members inside an escape are dropped. Null when there are none.
function withoutExtraEscapeKeys(call) {
  let changed = false;
  const plain = (v) => {
    if (Array.isArray(v)) return v.map(plain);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (('__entity' in v || '__extn' in v) && keys.length > 1) {
      changed = true;
      return {};
    }
    const inner = v.__entity ?? v.__extn;
    if (inner && typeof inner === 'object') {
      const allowed = v.__entity ? ['type', 'id'] : ['fn', 'arg', 'args'];
      const extra = Object.keys(inner).filter((k) => !allowed.includes(k));
      if (!extra.length) return v;
      changed = true;
      const copy = {...inner};
      for (const k of extra) delete copy[k];
      return v.__entity ? {__entity: copy} : {__extn: copy};
    }
    return Object.fromEntries(keys.map((k) => [k, plain(v[k])]));
  };
  const copy = structuredClone(call);
  if (copy.context) copy.context = plain(copy.context);
  for (const e of Array.isArray(copy.entities) ? copy.entities : []) {
    if (e.attrs) e.attrs = plain(e.attrs);
    if (e.tags) e.tags = plain(e.tags);
  }
  return changed ? copy : null;
}

export const KNOWN = [
  {
    name: '@id sets the policy id',
    kind: 'cordon bug',
    why:
        'cedar-wasm names the policies of a policy-set text policy0, policy1, ... whatever their ' +
        '@id annotation; cordon takes the id from @id (and so also rejects two equal @id values)',
    recheck: (call) => {
      const text = JSON.stringify(call.policies);
      if (!text.includes('@id(')) return null;
      return mapPolicyTexts(call, (t) => t.replace(/^@id\((?:"(?:[^"\\]|\\.)*")\)\r?\n/gm, ''));
    },
  },
  {
    name: 'non-action entity in the action scope',
    kind: 'cordon bug',
    why:
        'Cedar rejects `action == E`, `action in E` and `action in [E, ...]` unless E\'s type is ' +
        'Action or NS::Action ("expected an entity uid with type `Action` but got ..."); ' +
        'cordon accepts them',
    matches: ({ours, theirs}) =>
        cedarFails(theirs, ours, /expected an entity uid with type `Action` but got/),
  },
  {
    name: 'template slot in a static policy',
    kind: 'cordon bug',
    why: 'a policy with ?principal or ?resource in staticPolicies makes cedar-wasm fail the call ' +
        '("static policy set includes a template"); cordon answers',
    matches: ({ours, theirs}) => cedarFails(theirs, ours, /static policy set includes a template/),
  },
  {
    name: 'call with a missing or null context or entities',
    kind: 'cordon bug',
    why: 'cedar-wasm requires the call\'s `context` and `entities` and rejects null for either ' +
        '("missing field `context`", "JSON `null`s are not allowed"); cordon takes {} and []',
    matches: ({call, ours, theirs}) => theirs.kind === 'failure' && ours.kind === 'success' &&
        (call.context == null || call.entities == null),
  },
  {
    name: 'entity without attrs or parents',
    kind: 'cordon bug',
    why: 'Cedar requires both `attrs` and `parents` in entity JSON ("missing field `attrs`"); ' +
        'cordon takes them as empty',
    matches: ({ours, theirs}) => cedarFails(theirs, ours, /missing field `(attrs|parents)`/),
  },
  {
    name: 'reserved word accepted as an identifier',
    kind: 'cordon bug',
    why: 'Cedar rejects an unquoted reserved word as a record-literal key, as in {in: true} or ' +
        '{if: 1} ("this identifier is reserved and cannot be used"); cordon accepts it',
    matches: ({ours, theirs}) =>
        cedarFails(theirs, ours, /this identifier is reserved and cannot be used/),
  },
  {
    name: 'reserved word as an entity type in JSON',
    kind: 'cordon bug',
    why: 'Cedar rejects an entity type name that is a reserved word (e.g. {"type": "if"}) in the ' +
        'request; cordon accepts it',
    matches: ({call, ours, theirs}) =>
        cedarFails(theirs, ours, /failed to parse (principal|action|resource)/) &&
        ['principal', 'action', 'resource'].some(
            (k) => /^(if|then|else|true|false|in|is|like|has)$/.test(call[k]?.type)),
  },
  {
    name: 'JSON escape with extra keys',
    kind: 'cordon bug',
    why: 'Cedar reads {"__entity": {...}, "x": 1} and {"__extn": {...}, "x": 1} as records, and ' +
        'ignores unknown members inside an escape ({"__entity": {"type", "id", "x"}}, ' +
        '{"__extn": {"fn", "arg", "x"}}); cordon rejects all four',
    recheck: (call) => withoutExtraEscapeKeys(call),
  },
  {
    name: 'raw carriage return in a string literal',
    kind: 'cordon bug',
    why: 'Cedar rejects a carriage return written raw (not as \\r) inside a string literal, as ' +
        'Rust does ("the input `\\r` is not a valid escape"); cordon accepts it',
    matches: ({ours, theirs}) => cedarFails(theirs, ours, /the input `\r` is not a valid escape/),
  },
  {
    name: '__expr escape accepted',
    kind: 'cordon bug',
    why: 'Cedar 4 rejects the old {"__expr": "..."} escape in JSON values ("the `__expr` escape ' +
        'is no longer supported"); cordon reads it as a record',
    matches: ({ours, theirs}) =>
        cedarFails(theirs, ours, /the `__expr` escape is no longer supported/),
  },
];
