import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventProblem, isUuid, newEventId, type ActivityEvent } from './activity-event.ts';

test('newEventId makes UUIDv7s that carry their time and sort by it', () => {
  const at = Date.UTC(2026, 10, 23, 10, 0, 0, 123);
  const id = newEventId(at);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16), at);
  const ids = Array.from({ length: 1000 }, (_, i) => newEventId(at + i));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(Array.from({ length: 10_000 }, () => newEventId(at))).size, 10_000);
});

test('eventProblem names what the database could never take', () => {
  const good: ActivityEvent = {
    id: newEventId(),
    at: new Date('2026-11-23T10:00:00Z'),
    source: 'dns',
    schoolId: '6f1c2a4e-1b2c-4d3e-8f40-123456789abc',
    userId: null,
    username: null,
    group: null,
    deviceClass: null,
    clientIp: '10.0.0.1',
    method: 'A',
    host: 'example.com',
    url: null,
    action: 'allow',
    category: null,
    ruleId: 'default',
    status: 0,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 0,
    searchTerms: null,
  };
  assert.equal(eventProblem(good), null);
  assert.equal(eventProblem({ ...good, id: 'x' }), 'id is not a UUID');
  assert.equal(
    eventProblem({ ...good, at: new Date('nope') }),
    'at is not a time between 2000 and 9999',
  );
  assert.equal(eventProblem({ ...good, schoolId: 'demo' }), 'schoolId is not a UUID');
  assert.equal(eventProblem({ ...good, userId: 'ava' }), 'userId is not a UUID');
  assert.ok(isUuid(good.schoolId));
});
