// Known causes of differences between cordon and cedar-wasm, so that a run reports them apart
// and shows what is new. Two kinds:
//   'cordon bug'       cordon is wrong; reported with a minimal repro, kept here until fixed
//                      (a run still fails while any remain);
//   'reference quirk'  cedar-wasm's answer is an artifact of its JS binding, not of Cedar;
//                      the difference is expected and does not fail the run;
//   'deliberate'       cordon rejects input Cedar reads leniently, on purpose (fail closed);
//                      documented in the README, does not fail the run.
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
    name: 'malformed JSON escape',
    kind: 'deliberate',
    why: 'Cedar reads an escape it cannot use as a plain record: {"__entity": {...}, "x": 1}, ' +
        '{"__extn": {...}, "x": 1}, {"__entity": 5}, {"__expr": 1}; it also ignores unknown ' +
        'members inside an escape. cordon rejects all of them (fail closed: a mistyped escape ' +
        'that silently became a record could skip a forbid). See README "Stricter than Cedar".',
    recheck: (call) => withoutExtraEscapeKeys(call),
  },
];
