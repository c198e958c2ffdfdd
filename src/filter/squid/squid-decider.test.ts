import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testIdentifier, testIdentity, testSnapshots, TestSink } from './decider.test-data.ts';
import type { Identifier } from '../filter-context.ts';
import { createSquidDecider, hostOf, searchTermsOfUrl } from './squid-decider.ts';

const AT = new Date('2026-11-23T10:00:00Z');

describe('createSquidDecider', () => {
  test('identify → decide → log, with the person Squid names when Haven knows none', async () => {
    const sink = new TestSink();
    const decide = createSquidDecider({
      identifier: testIdentifier({
        '10.0.20.7': testIdentity(['ks2'], { deviceClass: 'school-owned-multi' }),
      }),
      snapshots: testSnapshots(),
      sink,
      now: () => AT,
      newId: () => 'event-1',
    });
    const verdict = await decide({
      source: 'icap',
      clientIp: '10.0.20.7',
      username: 'alice',
      method: 'GET',
      url: 'http://www.bet365.com/sports',
    });
    assert.equal(verdict.action, 'block');
    assert.equal(verdict.ruleId, 'matrix:gambling:ks2');
    assert.equal(verdict.categoryLabel, 'Gambling');
    assert.equal(verdict.schoolName, 'Roundwood Demo School');
    assert.equal(verdict.illegal, false);
    assert.deepEqual(sink.events, [
      {
        id: 'event-1',
        at: AT,
        source: 'icap',
        schoolId: 'demo-school',
        userId: null,
        username: 'alice',
        group: 'ks2',
        deviceClass: 'school-owned-multi',
        clientIp: '10.0.20.7',
        method: 'GET',
        host: 'www.bet365.com',
        url: 'http://www.bet365.com/sports',
        action: 'block',
        category: 'gambling',
        ruleId: 'matrix:gambling:ks2',
        status: 403,
        bytesIn: 0,
        bytesOut: 0,
        durationMs: sink.events[0]?.durationMs ?? -1,
        searchTerms: null,
      },
    ]);
  });

  test('CONNECT is decided on the host; IWF hits keep only the list entry', async () => {
    const sink = new TestSink();
    const decide = createSquidDecider({
      identifier: testIdentifier(),
      snapshots: testSnapshots(),
      sink,
    });
    const verdict = await decide({
      source: 'squid-helper',
      clientIp: '10.9.9.9',
      username: null,
      method: 'CONNECT',
      host: 'cdn.iwf-listed.test:443',
      blockStatus: 302,
    });
    assert.equal(verdict.ruleId, 'illegal:child-abuse');
    assert.equal(verdict.illegal, true);
    assert.equal(sink.events[0]?.url, 'iwf-listed.test');
    assert.equal(sink.events[0]?.status, 302);
    assert.equal(sink.events[0]?.group, 'guests');
  });

  test('search terms are kept for the activity log (not for illegal hits)', async () => {
    const sink = new TestSink();
    const decide = createSquidDecider({
      identifier: testIdentifier(),
      snapshots: testSnapshots(),
      sink,
    });
    await decide({
      source: 'icap',
      clientIp: '10.0.0.1',
      username: null,
      method: 'GET',
      url: 'http://www.google.com/search?q=how+to+revise&hl=en',
    });
    assert.equal(sink.events[0]?.searchTerms, 'how to revise');
    assert.equal(searchTermsOfUrl('http://www.bing.com/search?q=maths%20help'), 'maths help');
    assert.equal(searchTermsOfUrl('http://example.test/?q=x'), null);
  });

  test('no snapshot yet: blocked, and the event says why (fail closed)', async () => {
    const sink = new TestSink();
    const decide = createSquidDecider({
      identifier: testIdentifier(),
      snapshots: { current: () => undefined },
      sink,
    });
    const verdict = await decide({
      source: 'icap',
      clientIp: '10.0.0.1',
      username: null,
      method: 'GET',
      url: 'http://allowed.test/',
    });
    assert.equal(verdict.action, 'block');
    assert.equal(verdict.ruleId, 'unavailable');
    assert.match(verdict.reason, /not loaded/);
    assert.equal(sink.events[0]?.ruleId, 'unavailable');
  });

  test('an identifier that fails or refuses: blocked, never thrown', async () => {
    const errors: unknown[] = [];
    const failing: Identifier = { identify: () => Promise.reject(new Error('database down')) };
    const decide = createSquidDecider({
      identifier: failing,
      snapshots: testSnapshots(),
      sink: new TestSink(),
      onError: (error) => errors.push(error),
    });
    const verdict = await decide({
      source: 'icap',
      clientIp: '10.0.0.1',
      username: null,
      method: 'GET',
      url: 'http://allowed.test/',
    });
    assert.equal(verdict.action, 'block');
    assert.equal(verdict.host, 'allowed.test');
    assert.equal(errors.length, 1);

    const refusing: Identifier = {
      identify: () => Promise.resolve({ ok: false, reason: 'Account locked.' }),
    };
    const refused = await createSquidDecider({
      identifier: refusing,
      snapshots: testSnapshots(),
      sink: new TestSink(),
    })({ source: 'icap', clientIp: '', username: null, method: 'CONNECT', host: '[::1]:443' });
    assert.equal(refused.action, 'block');
    assert.equal(refused.reason, 'Account locked.');
    assert.equal(refused.host, '::1');
  });

  test('a sink that throws does not stop the answer', async () => {
    const decide = createSquidDecider({
      identifier: testIdentifier(),
      snapshots: testSnapshots(),
      sink: {
        emit: () => {
          throw new Error('full');
        },
      },
    });
    const verdict = await decide({
      source: 'icap',
      clientIp: '10.0.0.1',
      username: null,
      method: 'GET',
      url: 'http://allowed.test/',
    });
    assert.equal(verdict.action, 'allow');
  });

  test('hostOf reads hosts from URLs and authorities', () => {
    assert.equal(hostOf({ url: 'http://user@Example.TEST:8080/a?b' }), 'example.test');
    assert.equal(hostOf({ host: 'bet365.com:443' }), 'bet365.com');
    assert.equal(hostOf({ host: '[2001:db8::1]:443' }), '2001:db8::1');
    assert.equal(hostOf({}), '');
  });
});
