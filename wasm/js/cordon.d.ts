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
  /** The entities, or (cordon only, not with a schema) preparsedEntitiesId instead. */
  entities?: Entities;
  /** The id given to preparseEntities (cordon only; cedar-wasm calls carry their entities). */
  preparsedEntitiesId?: string;
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
  /**
   * An already compiled module: in edge runtimes, which cannot compile WebAssembly from bytes,
   * `import wasmModule from 'cordon-policy/cordon-core.wasm'` (workerd, wrangler) or
   * `from 'cordon-policy/cordon-core.wasm?module'` (Vercel).
   */
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
 * Parses entities once and keeps them under `id` (replacing any of that id), so that
 * statefulIsAuthorized calls may name them by preparsedEntitiesId instead of carrying
 * them. Not in cedar-wasm. Read without a schema.
 */
export function preparseEntities(id: string, entities: Entities): CheckParseAnswer;

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

// ---- Verification: webhook signatures, outbound URLs, credentials --------------------------
// The JSON shapes of cordon/verify_json.h, the same in the native and Python builds. A refused
// delivery, URL or credential is a success whose result says why; only a malformed call is a
// VerificationFailure (code "verification", or "json" for text that is not JSON).

export interface VerificationFailure {
  type: 'failure';
  errors: Array<DetailedError & { code: string | null }>;
}

export interface WebhookCall {
  /** "stripe" (default): `signature` is a Stripe-Signature header, t=...,v1=... */
  scheme?: 'stripe' | 'generic';
  /** The raw request body, exactly as received. */
  payload: string;
  /** The signature header; absent when the request had none (refused as malformed). */
  signature?: string;
  /** The generic scheme's timestamp header (decimal Unix seconds). */
  timestamp?: string;
  /** The configured secrets (current first, then the previous during a rotation); [] refuses. */
  secrets: string[];
  /** Unix seconds; default the clock. */
  now?: number;
  /** 0 to 86400; default 300. */
  toleranceSeconds?: number;
  /** Prefixes replayKey, so one store can serve several endpoints. */
  replayScope?: string;
}

export type WebhookOutcome =
  | 'verified' | 'unset' | 'misconfigured' | 'malformed' | 'no_signature' | 'mismatch'
  | 'too_old' | 'too_new' | 'replayed' | 'store_failed';

export interface WebhookVerdict {
  verified: boolean;
  outcome: WebhookOutcome;
  message: string;
  /** The header's timestamp once it parsed. */
  timestamp: number | null;
  /** Once a signature matched: remember this key until replayExpiresAt to refuse replays. */
  replayKey: string | null;
  replayExpiresAt: number | null;
  /** Which of `secrets` matched. */
  secretIndex: number | null;
}

export type WebhookAnswer = { type: 'success'; result: WebhookVerdict } | VerificationFailure;

export interface SignWebhookCall {
  scheme?: 'stripe' | 'generic';
  secret: string;
  timestamp: number;
  payload: string;
}

export type SignWebhookAnswer = { type: 'success'; signature: string } | VerificationFailure;

export interface OutboundUrlCall {
  url: string;
  /** Ports allowed (default: any). */
  allowedPorts?: number[];
}

export type UrlVerdict =
  | 'allowed' | 'malformed' | 'not_https' | 'userinfo' | 'port_not_allowed' | 'local_name'
  | 'unspecified' | 'loopback' | 'private' | 'link_local' | 'multicast' | 'reserved'
  | 'unresolved';

export interface OutboundUrlCheck {
  allowed: boolean;
  verdict: UrlVerdict;
  message: string;
  /** Lowercase host; an IP address in canonical form (IPv6 without brackets). */
  host: string | null;
  port: number | null;
  /** The address, when the host is one in any of its forms (2130706433 is 127.0.0.1). */
  address: string | null;
  addressClass: 'global' | 'unspecified' | 'loopback' | 'private' | 'link_local' | 'multicast' | 'reserved' | null;
}

export type OutboundUrlAnswer = { type: 'success'; result: OutboundUrlCheck } | VerificationFailure;

export type CredentialCheckCall =
  | { digest: string | null; authorization: string }
  | { digest: string | null; presented: string };

export interface CredentialCheck {
  /** As a route request's `credentials` reports it; "unset" when no digest is configured. */
  state: 'valid' | 'invalid' | 'missing' | 'unset';
  message: string;
}

export type CredentialCheckAnswer = { type: 'success'; result: CredentialCheck } | VerificationFailure;

export type CredentialDigestAnswer = { type: 'success'; digest: string } | VerificationFailure;

/** Verifies an HMAC-SHA-256 webhook signature (stateless: see ReplayStore for replays). */
export function verifyWebhook(call: WebhookCall): WebhookAnswer;
export function verifyWebhookJson(callJson: string): string;
/** The header a sender attaches: t=...,v1=... (stripe) or sha256=... (generic). */
export function signWebhook(call: SignWebhookCall): SignWebhookAnswer;
export function signWebhookJson(callJson: string): string;
/** May the server send requests to this URL (PMS bridges and other tenant endpoints)? */
export function checkOutboundUrl(call: OutboundUrlCall): OutboundUrlAnswer;
export function checkOutboundUrlJson(callJson: string): string;
/** A presented bearer token or secret against its stored SHA-256 digest. */
export function checkCredential(call: CredentialCheckCall): CredentialCheckAnswer;
export function checkCredentialJson(callJson: string): string;
/** The digest to configure for a token (at least 32 characters of a bearer token's alphabet). */
export function credentialDigest(call: { token: string }): CredentialDigestAnswer;
export function credentialDigestJson(callJson: string): string;

/**
 * Accepted webhook deliveries remembered in this instance's memory, each accepted once
 * while it lives. Full (capacity unexpired deliveries): verification fails closed.
 */
export class ReplayStore {
  constructor(options?: { capacity?: number });
  verifyWebhook(call: WebhookCall): WebhookAnswer;
  verifyWebhookJson(callJson: string): string;
  readonly size: number;
  dispose(): void;
}

// ---- Policy bundles and the domain calls ---------------------------------------------------
// The JSON shapes of cordon/domain_json.h (docs/bundle-format.md), the same in the native
// and Python builds. Every answer is {type: "success", ...} or a DomainFailure; a failure's
// errors carry the error kind in `code` ("bundle", "signature", "domain", "json", "io",
// "limit", ...) and the message with its file:line:col where there is one.

/** A JSON value (payloads, telemetry events, gate facts). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface DomainError extends DetailedError {
  /** The error kind: "bundle", "signature", "domain", "json", "io", "limit", ... */
  code: string | null;
}

export interface DomainFailure {
  type: 'failure';
  errors: DomainError[];
}

export interface LoadBundleOptions {
  requireSignature?: 'none' | 'hmac-sha256' | 'ed25519';
  /** The HMAC secret, or the Ed25519 public key (32 bytes, raw or 64 hex digits). */
  verificationKey?: string;
  /** The key of `hash` scrubbing (HMAC-SHA-256). */
  scrubHashKey?: string;
}

export interface LoadBundleCall {
  /** The bundle's files: path relative to the bundle root ("bundle.json", "access.cedar") -> text. */
  files: Record<string, string>;
  options?: LoadBundleOptions;
}

export interface BundleInfo {
  name: string;
  revision: string;
  /** Hex SHA-256 over the bundle's files. */
  digest: string;
}

export type LoadBundleAnswer = { type: 'success'; bundle: Bundle } | DomainFailure;

/** A user's session, as the application authenticated it. */
export interface Session {
  user: string;
  roles: string[];
  tenant?: string;
  status: string;
}

export type CredentialState = 'valid' | 'invalid' | 'missing' | 'unset';

export interface RouteRequest {
  method: string;
  /** The request path, with an optional query string. */
  path: string;
  query?: Record<string, string>;
  session?: Session;
  /** One of the manifest's surfaces ("desktop", "mobile", "export", "server"). */
  surface: string;
  /** What the caller verified for each credential it checked. */
  credentials?: Record<string, CredentialState>;
}

export interface DeterminingPolicy {
  id: string;
  effect: 'permit' | 'forbid';
  message: string | null;
}

export interface RouteObligations {
  audit: string[];
  rateLimit: string | null;
  scrubProfile: string | null;
  credential: string | null;
  revokeSession: boolean;
}

export interface RouteDecision {
  allow: boolean;
  status: number;
  redirect: string | null;
  route: string | null;
  action: string | null;
  tenant: string | null;
  params: Record<string, string>;
  determining: DeterminingPolicy[];
  errors: Array<{ policyId: string; message: string }>;
  obligations: RouteObligations;
  /** One sentence each: the route matched, the principal, the resource, the decision, ... */
  explanation: string[];
}

export type RouteAnswer = { type: 'success'; decision: RouteDecision } | DomainFailure;

export interface MaskCall {
  payload: JsonValue;
  viewer: Session;
  surface: string;
  /** A field-mask profile of fields.json ("dashboard", "tenant", "export"). */
  profile: string;
}

export interface MaskResult {
  payload: JsonValue;
  /** RFC 6901 pointers into the original payload. */
  removed: string[];
  masked: string[];
  /** The field classes the viewer may not read on this surface. */
  deniedClasses: string[];
}

export type MaskAnswer = { type: 'success'; result: MaskResult } | DomainFailure;

export interface ScrubCall {
  event: JsonValue;
  /** A scrub profile of scrub.json ("error-monitoring", ...). */
  profile: string;
}

export interface ScrubResult {
  event: JsonValue;
  /** RFC 6901 pointers of the keys removed. */
  removed: string[];
  /** RFC 6901 pointers of the values replaced, masked or hashed. */
  replaced: string[];
}

export type ScrubAnswer = { type: 'success'; result: ScrubResult } | DomainFailure;

export interface GateCall {
  /** A workflow of the manifest ("suspend_tenant", "hard_delete_tenant", "audit_retention"). */
  workflow: string;
  actor: Session;
  facts?: Record<string, JsonValue>;
}

export interface UnmetGate {
  gate: string;
  message: string;
  policyId: string;
  /** The gate's policy errored: it cannot vouch for its precondition. */
  errored: boolean;
}

export interface RetentionVerdict {
  entryId: string;
  deletable: boolean;
  reason: string;
}

export interface GateResult {
  allowed: boolean;
  workflow: string;
  /** Every unmet gate, in the order the policies are written. */
  unmet: UnmetGate[];
  errors: Array<{ policyId: string; message: string }>;
  /** Tables in deletion order (hard delete, when allowed). */
  deletionPlan: string[];
  retention: RetentionVerdict[];
  explanation: string[];
}

export type GateAnswer = { type: 'success'; result: GateResult } | DomainFailure;

export interface MatrixCall {
  /** Default "desktop"; an undeclared surface is a failure. */
  surface?: string;
  /** Default "json". */
  format?: 'json' | 'markdown' | 'csv' | 'html';
}

export interface AccessMatrix {
  bundle: string;
  revision: string;
  surface: string;
  roles: string[];
  routes: string[];
  actions: string[];
  /** cells[route][role]: "allow", "deny" or "conditional". */
  cells: Array<Array<'allow' | 'deny' | 'conditional'>>;
  notes: Array<Array<string>>;
}

/** `matrix` is an AccessMatrix for format "json", the text for the others. */
export type MatrixAnswer = { type: 'success'; matrix: AccessMatrix | string } | DomainFailure;

/**
 * A loaded, immutable policy bundle, made by loadBundle. Its calls never throw for
 * malformed input (they answer a DomainFailure); they throw only after dispose().
 */
export class Bundle {
  private constructor();
  readonly name: string;
  readonly revision: string;
  readonly digest: string;

  route(request: RouteRequest): RouteAnswer;
  /** route on JSON text, answering the engine's JSON text (byte for byte every build's). */
  routeJson(requestJson: string): string;
  mask(call: MaskCall): MaskAnswer;
  /** mask on JSON text: integers beyond 2^53 in the payload stay exact. */
  maskJson(callJson: string): string;
  scrub(call: ScrubCall): ScrubAnswer;
  /** scrub on JSON text: integers beyond 2^53 in the event stay exact. */
  scrubJson(callJson: string): string;
  gate(call: GateCall): GateAnswer;
  gateJson(callJson: string): string;
  matrix(call?: MatrixCall): MatrixAnswer;
  matrixJson(callJson: string): string;

  /** Frees the bundle's WebAssembly memory now (otherwise when it is garbage-collected). */
  dispose(): void;
  /** {name, revision, digest}: what JSON.stringify writes for a bundle. */
  toJSON(): BundleInfo;
}

/**
 * Loads a policy bundle from its files. A bundle loads whole or not at all: a mistake is a
 * failure naming file:line:col (unknown keys and unknown references included), never a
 * weaker bundle. Does not throw for a bad bundle.
 */
export function loadBundle(call: LoadBundleCall): LoadBundleAnswer;
