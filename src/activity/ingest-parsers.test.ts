import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  parseJsonLine,
  parseJsonLines,
  parseSquidLine,
  parseSquidLog,
  squidUrlHost,
  type ParseContext,
} from './ingest-parsers.ts';

const school = '6f1c2a4e-1b2c-4d3e-8f40-123456789abc';
const other = '0b7e4c1d-9a8b-4c7d-8e6f-abcdef012345';
const pupil = '11111111-2222-4333-8444-555555555555';

describe('JSON lines', () => {
  const context: ParseContext = { source: 'extension', schoolId: school };

  test('a full line becomes the event it describes', () => {
    const line = JSON.stringify({
      id: '018f3a2b-0000-7000-8000-000000000001',
      at: '2026-11-23T10:15:00.250Z',
      userId: pupil,
      username: 'ava.p',
      group: 'ks2',
      deviceClass: 'school-owned',
      clientIp: '10.20.1.7',
      method: 'GET',
      url: 'https://www.bbc.co.uk/bitesize?x=1',
      action: 'block',
      category: 'social-media',
      ruleId: 'matrix:social-media:ks2',
      status: 403,
      bytesIn: 512,
      bytesOut: 80,
      durationMs: 12.6,
      searchTerms: 'fractions',
    });
    const event = parseJsonLine(line, context);
    assert.ok(event !== null && typeof event !== 'string', String(event));
    assert.equal(event.id, '018f3a2b-0000-7000-8000-000000000001');
    assert.equal(event.at.toISOString(), '2026-11-23T10:15:00.250Z');
    assert.equal(event.source, 'extension');
    assert.equal(event.schoolId, school);
    assert.equal(event.host, 'www.bbc.co.uk');
    assert.equal(event.action, 'block');
    assert.equal(event.durationMs, 13);
    assert.equal(event.searchTerms, 'fractions');
  });

  test('a title from a browser extension is kept trimmed and capped (MON-2)', () => {
    const line = JSON.stringify({
      at: '2026-11-23T10:15:00Z',
      url: 'https://example.com/a',
      title: `  Homework   help ${'x'.repeat(600)}`,
    });
    const event = parseJsonLine(line, context);
    assert.ok(event !== null && typeof event !== 'string', String(event));
    assert.ok(event.title?.startsWith('Homework help x'));
    assert.equal(event.title?.length, 300);
    const long = parseJsonLine(
      JSON.stringify({ at: 1, host: 'a.com', title: 'y'.repeat(2001) }),
      context,
    );
    assert.match(String(long), /title/);
  });

  test('a minimal line gets defaults, and an id derived from the line', () => {
    const line = '{"at": 1795428000000, "host": "Example.COM"}';
    const a = parseJsonLine(line, context);
    const b = parseJsonLine(line, context);
    assert.ok(a !== null && typeof a !== 'string' && b !== null && typeof b !== 'string');
    assert.equal(a.host, 'example.com');
    assert.equal(a.action, 'allow');
    assert.equal(a.method, 'GET');
    assert.equal(a.ruleId, 'ingest:extension');
    assert.equal(a.userId, null);
    assert.match(a.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(a.id, b.id, 'the same line in another import gets the same id');
  });

  test('identical lines in one text get different ids; the same text again gets the same ids', () => {
    const text = '{"at": 1795428000000, "host": "a.com"}\n{"at": 1795428000000, "host": "a.com"}\n';
    const first = parseJsonLines(text, context);
    const second = parseJsonLines(text, context);
    assert.equal(first.events.length, 2);
    assert.notEqual(first.events[0]?.id, first.events[1]?.id);
    assert.deepEqual(
      first.events.map((e) => e.id),
      second.events.map((e) => e.id),
    );
  });

  test('bad lines are reported by line number and skipped', () => {
    const text = [
      '{"at": "2026-11-23T10:00:00Z", "host": "good.example"}',
      'not json',
      '',
      '{"host": "no-time.example"}',
      `{"at": "2026-11-23T10:00:00Z", "host": "x.example", "schoolId": "${other}"}`,
      '{"at": "2026-11-23T10:00:00", "host": "no-zone.example"}',
      '{"at": "2026-11-23T10:00:00Z"}',
      '[1, 2]',
      '{"at": "2026-11-23T10:00:00Z", "host": "bad-user.example", "userId": "bob"}',
      '{"at": "2026-11-23T10:00:00Z", "host": "bad-action.example", "action": "deny"}',
      '{"at": "1999-12-31T23:59:59Z", "host": "too-old.example"}',
      '{"at": "2026-11-23T10:00:01Z", "url": "http://from-url.example/path"}',
    ].join('\r\n');
    const result = parseJsonLines(text, context);
    assert.equal(result.lines, 12);
    assert.deepEqual(
      result.events.map((e) => e.host),
      ['good.example', 'from-url.example'],
    );
    assert.deepEqual(
      result.problems.map((p) => p.line),
      [2, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    const message = (line: number) => result.problems.find((p) => p.line === line)?.message ?? '';
    assert.match(message(2), /not valid JSON/);
    assert.match(message(4), /^at: /);
    assert.match(message(5), /own school/);
    assert.match(message(6), /ISO 8601/);
    assert.match(message(7), /host: missing/);
    assert.match(message(8), /JSON object/);
    assert.match(message(9), /userId: not a UUID/);
    assert.match(message(10), /^action: /);
    assert.match(message(11), /between 2000/);
  });

  test('without a school in the context each line must name its school', () => {
    const result = parseJsonLines(
      `{"at": "2026-11-23T10:00:00Z", "host": "a.example"}\n{"at": "2026-11-23T10:00:00Z", "host": "a.example", "schoolId": "${other}"}`,
      { source: 'ingest' },
    );
    assert.deepEqual(
      result.problems.map((p) => [p.line, p.message]),
      [[1, 'schoolId: missing']],
    );
    assert.equal(result.events[0]?.schoolId, other);
  });
});

describe('Squid access log', () => {
  const users = new Map([['ava.p', pupil]]);
  const context: ParseContext = { source: 'squid-log', schoolId: school, users };

  test('native format lines become events', () => {
    const text = [
      '1795428000.123    180 10.0.20.7 TCP_DENIED/403 0 GET http://bet365.com/ ava.p HIER_NONE/- -',
      '1795428001.500     35 10.0.20.8 TCP_TUNNEL/200 5120 CONNECT www.google.com:443 - HIER_DIRECT/142.250.180.4 -',
      '1795428002.000   1204 10.0.20.7 TCP_MISS/200 48211 GET http://www.bbc.co.uk/news Ava.P HIER_DIRECT/www.bbc.co.uk text/html',
      '# a comment',
      '1795428003.010      4 fd00::7 TCP_MEM_HIT/304 310 GET http://[2001:db8::1]:8080/a.png - HIER_NONE/- image/png',
    ].join('\n');
    const result = parseSquidLog(text, context);
    assert.deepEqual(result.problems, []);
    assert.equal(result.events.length, 4);
    const [denied, tunnel, miss, v6] = result.events;
    assert.ok(denied && tunnel && miss && v6);
    assert.equal(denied.at.toISOString(), '2026-11-23T10:00:00.123Z');
    assert.equal(denied.action, 'block');
    assert.equal(denied.status, 403);
    assert.equal(denied.host, 'bet365.com');
    assert.equal(denied.url, 'http://bet365.com/');
    assert.equal(denied.username, 'ava.p');
    assert.equal(denied.userId, pupil);
    assert.equal(denied.ruleId, 'squid:TCP_DENIED');
    assert.equal(denied.durationMs, 180);
    assert.equal(denied.source, 'squid-log');
    assert.equal(tunnel.method, 'CONNECT');
    assert.equal(tunnel.host, 'www.google.com');
    assert.equal(tunnel.url, null);
    assert.equal(tunnel.username, null);
    assert.equal(tunnel.bytesIn, 5120);
    assert.equal(miss.action, 'allow');
    assert.equal(miss.userId, pupil, 'usernames are matched without regard to case');
    assert.equal(v6.clientIp, 'fd00::7');
    assert.equal(v6.host, '2001:db8::1');
  });

  test('bad lines are reported by number', () => {
    const text = [
      'garbage',
      '1795428000.123 180 10.0.20.7 TCP_DENIED/403 0 GET http://bet365.com/ - HIER_NONE/- -',
      'yesterday 180 10.0.20.7 TCP_DENIED/403 0 GET http://bet365.com/ - HIER_NONE/- -',
      '1795428000.123 180 not-an-ip TCP_DENIED/403 0 GET http://bet365.com/ - HIER_NONE/- -',
      '1795428000.123 180 10.0.20.7 TCP_DENIED 0 GET http://bet365.com/ - HIER_NONE/- -',
      '1795428000.123 0 10.0.20.7 NONE_NONE/000 0 NONE error:transaction-end-before-headers - HIER_NONE/- -',
      '1795428000.123 180 10.0.20.7 TCP_MISS/200 12 GET /relative - HIER_NONE/- -',
    ].join('\n');
    const result = parseSquidLog(text, context);
    assert.equal(result.events.length, 1);
    assert.deepEqual(
      result.problems.map((p) => p.line),
      [1, 3, 4, 5, 6, 7],
    );
    assert.match(result.problems[0]?.message ?? '', /expected 10 fields/);
    assert.match(result.problems[4]?.message ?? '', /not a request/);
  });

  test('a Squid log needs a school', () => {
    assert.equal(
      parseSquidLine(
        '1795428000.123 180 10.0.20.7 TCP_DENIED/403 0 GET http://a.com/ - HIER_NONE/- -',
        { source: 'squid-log' },
      ),
      'no school given for the Squid log',
    );
  });

  test('the host of each URL form', () => {
    assert.equal(squidUrlHost('GET', 'http://Example.com:8080/x'), 'example.com');
    assert.equal(squidUrlHost('CONNECT', 'example.com:443'), 'example.com');
    assert.equal(squidUrlHost('CONNECT', '[2001:db8::1]:443'), '2001:db8::1');
    assert.equal(squidUrlHost('GET', 'example.com'), 'example.com');
    assert.equal(squidUrlHost('GET', '/only/a/path'), null);
  });
});
