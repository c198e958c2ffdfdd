import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanTitle, haltedCapture, newEventId, type ActivityEvent } from './activity-event.ts';
import { IsolationIndex } from './capture-halt.ts';

const school = '00000000-0000-4000-8000-000000000001';
const other = '00000000-0000-4000-8000-000000000009';
const pupil = '00000000-0000-4000-8000-000000000002';

test('an isolation halts capture for the person anywhere and for the device, in its school only', () => {
  const index = new IsolationIndex([{ school_id: school, user_id: pupil, client_ip: '10.0.0.5' }]);
  assert.equal(index.halted(school, pupil, '10.9.9.9'), true, 'the person on another device');
  assert.equal(index.halted(school, null, '10.0.0.5'), true, 'the device, nobody signed in');
  assert.equal(index.halted(school, null, '10.0.0.6'), false);
  assert.equal(index.halted(other, pupil, '10.0.0.5'), false, 'another school');
  assert.equal(new IsolationIndex([]).halted(school, pupil, '10.0.0.5'), false);
});

test('a halted event keeps time, person, host, decision and category, nothing of the content', () => {
  const event: ActivityEvent = {
    id: newEventId(),
    at: new Date('2026-11-23T10:00:00Z'),
    source: 'proxy',
    schoolId: school,
    userId: pupil,
    username: 'pupil',
    group: 'ks2',
    deviceClass: 'school-single-user',
    clientIp: '10.0.0.5',
    method: 'GET',
    host: 'www.google.com',
    url: 'https://www.google.com/search?q=private',
    action: 'allow',
    category: 'search',
    ruleId: 'default:allow',
    status: 200,
    bytesIn: 10,
    bytesOut: 20,
    durationMs: 3,
    searchTerms: 'private',
    title: 'private - Google Search',
    riskScore: 120,
    riskCategories: ['self-harm'],
    riskPhrases: ['x'],
  };
  const halted = haltedCapture(event);
  assert.deepEqual(
    [halted.at, halted.userId, halted.host, halted.action, halted.category],
    [event.at, event.userId, event.host, event.action, event.category],
  );
  assert.equal(halted.url, null);
  assert.equal(halted.searchTerms, null);
  assert.equal(halted.title, null);
  assert.equal(halted.riskScore, null);
  assert.equal(halted.riskCategories, null);
  assert.equal(halted.riskPhrases, null);
});

test('titles are trimmed and capped', () => {
  assert.equal(cleanTitle('  a \n b  '), 'a b');
  assert.equal(cleanTitle(''), null);
  assert.equal(cleanTitle(undefined), null);
  assert.equal(cleanTitle('x'.repeat(400))?.length, 300);
});
