import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signing.ts';

test('a webhook is signed over "<timestamp>.<raw body>" with HMAC-SHA256', () => {
  const secret = newWebhookSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(secret, newWebhookSecret());
  const body = '{"type":"alert.critical"}';
  const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
  assert.equal(signWebhook(secret, 1_700_000_000, body), `sha256=${expected}`);
});

test('verification: holds for the right body and time; refuses tampering, replays, other secrets', () => {
  const secret = newWebhookSecret();
  const body = '{"a":1}';
  const signature = signWebhook(secret, 1000, body);
  const ok = { signature, timestamp: '1000' };
  assert.equal(verifyWebhook(secret, ok, body, 1010), null);
  assert.match(verifyWebhook(secret, ok, '{"a":2}', 1010) ?? '', /does not match/);
  assert.match(verifyWebhook(newWebhookSecret(), ok, body, 1010) ?? '', /does not match/);
  assert.match(verifyWebhook(secret, ok, body, 1000 + 301) ?? '', /too old/);
  assert.match(
    verifyWebhook(secret, { signature, timestamp: '1001' }, body, 1001) ?? '',
    /does not match/,
  );
  assert.match(
    verifyWebhook(secret, { signature, timestamp: undefined }, body, 1000) ?? '',
    /missing/,
  );
  assert.match(verifyWebhook(secret, { signature, timestamp: '1e3' }, body, 1000) ?? '', /number/);
});
