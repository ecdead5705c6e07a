// Types of cordon-policy: the Cedar authorization API of @cedar-policy/cedar-wasm 4.x
// (same function names, same call and answer shapes, same type names), answered by
// cordon's WebAssembly build. Code written for cedar-wasm's isAuthorized,
// preparsePolicySet and statefulIsAuthorized runs unchanged.

// ---- Values, entities, requests ------------------------------------------------------------

export interface TypeAndId {
  type: string;
  id: string;
}

/** An entity reference: {type, id} or {__entity: {type, id}}. */
export type EntityUidJson = { __entity: TypeAndId } | TypeAndId;
export type EntityUid = EntityUidJson;

/** An extension value such as {fn: "ip", arg: "10.0.0.1"}. */
export type FnAndArgs = { fn: string; arg: CedarValueJson } | { fn: string; args: CedarValueJson[] };

/**
 * A Cedar value in JSON. JavaScript numbers are doubles: for integers beyond
 * 2^53 use the *Json functions, which take JSON text.
 */
export type CedarValueJson =
  | { __entity: TypeAndId }
  | { __extn: FnAndArgs }
  | boolean
  | number
  | string
  | CedarValueJson[]
  | { [key: string]: CedarValueJson }
  | null;

export type Context = Record<string, CedarValueJson>;

export interface EntityJson {
  uid: EntityUidJson;
  attrs: Record<string, CedarValueJson>;
  parents: EntityUidJson[];
  tags?: Record<string, CedarValueJson>;
}

export type Entities = Array<EntityJson>;

// ---- Policies and schemas -----------------------------------------------------------------

export type PolicyId = string;
export type SlotId = string;

/** A policy in Cedar's JSON policy format (effect, principal, action, resource, conditions). */
export interface PolicyJson {
  effect: 'permit' | 'forbid';
  principal: Record<string, unknown>;
  action: Record<string, unknown>;
  resource: Record<string, unknown>;
  conditions: Array<Record<string, unknown>>;
  annotations?: Record<string, string>;
}

export type Policy = string | PolicyJson;
export type Template = string | PolicyJson;

/** Policy text holding any number of policies, a list of policies, or policies by id. */
export type StaticPolicySet = string | Policy[] | Record<PolicyId, Policy>;

export interface TemplateLink {
  templateId: PolicyId;
  newId: PolicyId;
  values: Record<SlotId, EntityUid>;
}

export interface PolicySet {
  staticPolicies?: StaticPolicySet;
  templates?: Record<PolicyId, Template>;
  templateLinks?: TemplateLink[];
}

/** A schema as Cedar schema text or Cedar's JSON schema format. */
export type Schema = string | Record<string, unknown>;

// ---- Calls and answers --------------------------------------------------------------------

export interface AuthorizationCall {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  context: Context;
  schema?: Schema;
  validateRequest?: boolean;
  policies: PolicySet;
  entities: Entities;
}

export interface StatefulAuthorizationCall {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  context: Context;
  preparsedSchemaName?: string;
  validateRequest?: boolean;
  /** The id given to preparsePolicySet. */
  preparsedPolicySetId: string;
  entities: Entities;
}

export type Severity = 'advice' | 'warning' | 'error';

export interface SourceLocation {
  start: number;
  end: number;
}

export interface SourceLabel extends SourceLocation {
  label: string | null;
}

export interface DetailedError {
  message: string;
  help: string | null;
  code: string | null;
  url: string | null;
  severity: Severity | null;
  sourceLocations?: SourceLabel[];
  related?: DetailedError[];
}

export type Decision = 'allow' | 'deny';

/** A policy that errored while being evaluated: it was skipped. */
export interface AuthorizationError {
  policyId: string;
  error: DetailedError;
}

export interface Diagnostics {
  /** The policies that determined the decision. */
  reason: PolicyId[];
  errors: AuthorizationError[];
}

export interface Response {
  decision: Decision;
  diagnostics: Diagnostics;
}

/** A decision, or a failure when the call itself is malformed (which must be treated as deny). */
export type AuthorizationAnswer =
  | { type: 'failure'; errors: DetailedError[]; warnings: DetailedError[] }
  | { type: 'success'; response: Response; warnings: DetailedError[] };

export type CheckParseAnswer = { type: 'success' } | { type: 'failure'; errors: DetailedError[] };

// ---- Functions ----------------------------------------------------------------------------

export interface InitOptions {
  /** An already compiled module, e.g. `import wasmModule from './cordon-core.wasm'` in workerd. */
  wasmModule?: WebAssembly.Module;
  /** The bytes of cordon-core.wasm. */
  wasmBinary?: BufferSource;
  /** Where to fetch cordon-core.wasm from; relative URLs resolve against cordon.mjs. */
  wasmUrl?: string | URL;
}

/**
 * Loads the WebAssembly module; call and await it once before anything else in
 * browsers, workers and edge runtimes. In Node, importing or requiring the package
 * already loaded it and this resolves at once. Rejects if the module cannot be
 * loaded; it can then be called again.
 */
export function init(options?: InitOptions): Promise<void>;

/**
 * Decides a request, like cedar-wasm's isAuthorized. Malformed input (policies,
 * entities, request, or a call that is not JSON) answers {type: "failure"}: it
 * does not throw.
 */
export function isAuthorized(call: AuthorizationCall): AuthorizationAnswer;

/**
 * isAuthorized on JSON text, answering JSON text: integers keep all 64 bits,
 * and the answer is byte for byte the one of cordon's native and Python builds.
 * Throws a TypeError only if callJson is not a string.
 */
export function isAuthorizedJson(callJson: string): string;

/**
 * Parses a policy set once and keeps it under `id` (replacing any set of that id)
 * for statefulIsAuthorized. Side-effect free on failure.
 */
export function preparsePolicySet(id: string, policies: PolicySet): CheckParseAnswer;

/**
 * isAuthorized with the policies kept by preparsePolicySet under
 * call.preparsedPolicySetId; an unknown id answers {type: "failure"}.
 */
export function statefulIsAuthorized(call: StatefulAuthorizationCall): AuthorizationAnswer;

/** statefulIsAuthorized on JSON text, answering JSON text. */
export function statefulIsAuthorizedJson(callJson: string): string;

/** The cordon engine's version, e.g. "0.1.0". */
export function getCordonVersion(): string;

/** The Cedar language version whose semantics the engine follows. */
export function getCedarLangVersion(): string;
