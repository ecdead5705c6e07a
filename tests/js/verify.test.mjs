// The verification API of the npm package (webhook signatures, outbound URLs, credentials,
// the in-memory replay store), run with `node --test` against the installed package. The
// shared vectors (verify-vectors.test.mjs) check the answers case by case; these tests check
// the JavaScript surface: objects in and out, failures instead of exceptions, disposal.
import {
  checkCredential,
  checkOutboundUrl,
  credentialDigest,
  ReplayStore,
  signWebhook,
  verifyWebhook,
} from 'cordon-policy';
import assert from 'node:assert/strict';
import {createHmac} from 'node:crypto';
import {test} from 'node:test';

const SECRET = 'whsec_js_test';
const PAYLOAD = '{"id":"evt_js","type":"invoice.paid"}';
const T = 1700000000;

function stripeHeader(secret, t, payload) {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
}

test('a Stripe signature made with node:crypto verifies', () => {
  const answer = verifyWebhook(
      {payload: PAYLOAD, signature: stripeHeader(SECRET, T, PAYLOAD), secrets: [SECRET], now: T + 5});
  assert.equal(answer.type, 'success');
  assert.equal(answer.result.verified, true);
  assert.equal(answer.result.outcome, 'verified');
  assert.equal(answer.result.timestamp, T);
  assert.equal(answer.result.replayExpiresAt, T + 301);
});

test('signWebhook agrees with node:crypto', () => {
  assert.deepEqual(signWebhook({secret: SECRET, timestamp: T, payload: PAYLOAD}),
                   {type: 'success', signature: stripeHeader(SECRET, T, PAYLOAD)});
});

test('stale, tampered and unconfigured deliveries are refused, not thrown', () => {
  const signature = stripeHeader(SECRET, T, PAYLOAD);
  assert.equal(verifyWebhook({payload: PAYLOAD, signature, secrets: [SECRET], now: T + 301})
                   .result.outcome,
               'too_old');
  assert.equal(verifyWebhook({payload: PAYLOAD + ' ', signature, secrets: [SECRET], now: T})
                   .result.outcome,
               'mismatch');
  assert.equal(verifyWebhook({payload: PAYLOAD, signature, secrets: [], now: T}).result.outcome,
               'unset');
  const failure = verifyWebhook({payload: PAYLOAD, signature, secrets: 'not a list', now: T});
  assert.equal(failure.type, 'failure');
  assert.equal(failure.errors[0].code, 'verification');
  assert.equal(verifyWebhook({payload: 1n}).type, 'failure');  // not JSON: still no throw
});

test('a ReplayStore accepts each delivery once', () => {
  const store = new ReplayStore({capacity: 10});
  const call = {payload: PAYLOAD, signature: stripeHeader(SECRET, T, PAYLOAD), secrets: [SECRET], now: T};
  assert.equal(store.verifyWebhook(call).result.outcome, 'verified');
  assert.equal(store.verifyWebhook({...call, now: T + 1}).result.outcome, 'replayed');
  assert.equal(store.size, 1);
  // The stateless call knows nothing of the store.
  assert.equal(verifyWebhook(call).result.outcome, 'verified');
  const other = {...call, signature: stripeHeader(SECRET, T + 2, PAYLOAD), now: T + 2};
  assert.equal(JSON.parse(store.verifyWebhookJson(JSON.stringify(other))).result.outcome, 'verified');
  store.dispose();
  store.dispose();
  assert.throws(() => store.verifyWebhook(call), /disposed/);
  assert.throws(() => new ReplayStore({capacity: 0}), RangeError);
});

test('a full ReplayStore fails closed', () => {
  const store = new ReplayStore({capacity: 1});
  const call = (t) => ({payload: PAYLOAD, signature: stripeHeader(SECRET, t, PAYLOAD), secrets: [SECRET], now: T});
  assert.equal(store.verifyWebhook(call(T)).result.outcome, 'verified');
  assert.equal(store.verifyWebhook(call(T + 1)).result.outcome, 'store_failed');
  store.dispose();
});

test('outbound URLs: public https allowed, every form of a local address refused', () => {
  assert.equal(checkOutboundUrl({url: 'https://bridge.example.com/hook'}).result.allowed, true);
  for (const [url, verdict] of [
    ['https://2130706433/', 'loopback'],
    ['https://[::ffff:169.254.169.254]/', 'link_local'],
    ['https://0xa9fea9fe/', 'link_local'],
    ['http://bridge.example.com/', 'not_https'],
    ['https://user:pw@bridge.example.com/', 'userinfo'],
    ['https://localhost:8443/', 'local_name'],
  ]) {
    const {result} = checkOutboundUrl({url});
    assert.equal(result.allowed, false, url);
    assert.equal(result.verdict, verdict, url);
  }
  assert.equal(checkOutboundUrl({url: 'https://a.example.com:22/', allowedPorts: [443]}).result.verdict,
               'port_not_allowed');
  assert.equal(checkOutboundUrl({}).type, 'failure');
});

test('credentials: digests, bearer checks, unset fails closed', () => {
  const token = 'sched-7f3a9c1e5b2d4a6f8e0c1b3d5f7a9e2c';
  const {digest} = credentialDigest({token});
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(checkCredential({digest, authorization: `Bearer ${token}`}).result.state, 'valid');
  assert.equal(checkCredential({digest, authorization: 'Bearer nope'}).result.state, 'invalid');
  assert.equal(checkCredential({digest: null, authorization: `Bearer ${token}`}).result.state,
               'unset');
  assert.equal(credentialDigest({token: 'short'}).type, 'failure');
});
