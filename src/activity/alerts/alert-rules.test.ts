import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePhrases } from '../../policy/phrases/phrase-matcher.ts';
import { STARTER_PHRASE_LISTS } from '../../policy/phrases/starter-lists.ts';
import type { ActivityEvent } from '../activity-event.ts';
import { adjustSeverity, candidatesFor, dedupeKey, urlWords } from './alert-rules.ts';

const index = compilePhrases(STARTER_PHRASE_LISTS);

function event(overrides: Partial<ActivityEvent> = {}): ActivityEvent {
  return {
    id: '0192d1c4-0000-7000-8000-000000000001',
    at: new Date('2026-11-23T10:00:00Z'),
    source: 'proxy',
    schoolId: '00000000-0000-4000-8000-000000000001',
    userId: '00000000-0000-4000-8000-000000000002',
    username: 'pupil',
    group: 'ks4',
    deviceClass: null,
    clientIp: '10.0.0.5',
    method: 'GET',
    host: 'example.com',
    url: null,
    action: 'allow',
    category: null,
    ruleId: 'default:allow',
    status: 200,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 1,
    searchTerms: null,
    ...overrides,
  };
}

test('intent to self-harm is critical; other concerns by score', () => {
  const [alert] = candidatesFor(event({ searchTerms: 'how to kill myself' }), index);
  assert.equal(alert?.category, 'self-harm');
  assert.equal(alert?.severity, 'critical');
  assert.deepEqual(
    candidatesFor(event({ searchTerms: 'suicide prevention helpline homework' }), index),
    [],
  );
});

test('URL words are scored: path segments and query values', () => {
  assert.match(
    urlWords('http://x.example/how-to-kill-myself?a=b+c', 'x.example'),
    /how to kill myself/,
  );
  const [alert] = candidatesFor(
    event({ host: 'forum.example', url: 'http://forum.example/t/how-to-kill-myself' }),
    index,
  );
  assert.equal(alert?.severity, 'critical');
});

test('suspected CSAM: one critical candidate with the police steps, only the host kept', () => {
  const candidates = candidatesFor(
    event({
      host: 'bad.example',
      url: 'http://bad.example/how-to-kill-myself?id=9',
      category: 'child-abuse',
      action: 'block',
    }),
    index,
  );
  assert.equal(candidates.length, 1);
  const [csam] = candidates;
  assert.equal(csam?.severity, 'critical');
  assert.equal(csam?.isolateDevice, true);
  assert.equal(csam?.host, 'bad.example');
  assert.match(csam?.guidance ?? '', /police/);
  assert.doesNotMatch(JSON.stringify(csam), /how-to|id=9/);
});

test('younger pupils and repeats raise the severity, never to critical', () => {
  assert.equal(adjustSeverity('medium', 'ks4', 1), 'medium');
  assert.equal(adjustSeverity('medium', 'ks1', 1), 'high');
  assert.equal(adjustSeverity('low', 'ks2', 3), 'high');
  assert.equal(adjustSeverity('high', 'eyfs', 5), 'high');
  assert.equal(adjustSeverity('critical', null, 1), 'critical');
});

test('duplicates are keyed per person, or per device when nobody is signed in', () => {
  const [alert] = candidatesFor(event({ searchTerms: 'how to kill myself' }), index);
  assert.ok(alert);
  assert.equal(
    dedupeKey(event(), alert),
    'phrases:self-harm:user:00000000-0000-4000-8000-000000000002',
  );
  assert.equal(dedupeKey(event({ userId: null }), alert), 'phrases:self-harm:ip:10.0.0.5');
});

test('a page title is scored like search terms (MON-2)', () => {
  const [alert] = candidatesFor(
    event({ url: 'https://example.com/p/123', title: 'How to kill myself - Forum' }),
    index,
  );
  assert.equal(alert?.category, 'self-harm');
  assert.equal(alert?.severity, 'critical');
  assert.match(alert?.summary ?? '', /opened a page titled “How to kill myself - Forum”/);
  assert.ok(alert?.phrases.includes('how to kill myself'));
  assert.deepEqual(candidatesFor(event({ title: 'Volcanoes for KS2' }), index), []);
});

test('page content scoring on the event raises an alert above the threshold', () => {
  const [alert] = candidatesFor(
    event({
      url: 'https://example.com/article',
      riskScore: 150,
      riskCategories: ['violence-weapons'],
      riskPhrases: ['knife crime'],
    }),
    index,
  );
  assert.equal(alert?.category, 'violence-weapons');
  assert.equal(alert?.score, 150);
  assert.deepEqual(alert?.phrases, ['knife crime']);
  assert.match(alert?.summary ?? '', /whose words match the lists \(score 150\)/);
  const below = candidatesFor(
    event({ riskScore: 40, riskCategories: ['violence-weapons'], riskPhrases: ['knife'] }),
    index,
  );
  assert.deepEqual(below, []);
});
