import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatAnswer, parseHelperLine, quoteValue, unescapeField } from './helper-protocol.ts';

describe('url_rewrite lines', () => {
  test('with a channel id and the default extras', () => {
    const parsed = parseHelperLine(
      '7 http://bet365.com/a%20b?q=1 10.0.20.7/pc7.school.lan alice GET myip=10.0.0.1 myport=3128',
      'url-rewrite',
    );
    assert.deepEqual(parsed, {
      ok: true,
      query: {
        channel: '7',
        url: 'http://bet365.com/a%20b?q=1',
        clientIp: '10.0.20.7',
        username: 'alice',
        method: 'GET',
      },
    });
  });

  test('without a channel id (concurrency=0), unknown fields as `-`', () => {
    const parsed = parseHelperLine('http://allowed.test/ 10.0.20.7/- - GET', 'url-rewrite');
    assert.deepEqual(parsed, {
      ok: true,
      query: {
        channel: null,
        url: 'http://allowed.test/',
        clientIp: '10.0.20.7',
        username: null,
        method: 'GET',
      },
    });
  });

  test('CONNECT sends host:port; IPv6 clients keep their colons', () => {
    const parsed = parseHelperLine('0 bet365.com:443 ::1/- - CONNECT', 'url-rewrite');
    assert.ok(parsed.ok);
    assert.equal(parsed.query.url, 'bet365.com:443');
    assert.equal(parsed.query.clientIp, '::1');
    assert.equal(parsed.query.method, 'CONNECT');
  });

  test('just the URL (url_rewrite_extras "")', () => {
    const parsed = parseHelperLine('12 http://a.test/', 'url-rewrite');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.query, {
      channel: '12',
      url: 'http://a.test/',
      clientIp: null,
      username: null,
      method: null,
    });
  });

  test('escaped user names are read; CR before the newline is ignored', () => {
    const parsed = parseHelperLine('1 http://a.test/ 10.0.0.1/- J%20Smith GET\r', 'url-rewrite');
    assert.ok(parsed.ok);
    assert.equal(parsed.query.username, 'J Smith');
    assert.equal(parsed.query.method, 'GET');
  });

  test('lines that are not questions', () => {
    assert.deepEqual(parseHelperLine('', 'url-rewrite'), {
      ok: false,
      channel: null,
      problem: 'empty request',
    });
    assert.deepEqual(parseHelperLine('3', 'url-rewrite'), {
      ok: false,
      channel: '3',
      problem: 'empty request',
    });
    assert.deepEqual(parseHelperLine('4 not-a-url 1.2.3.4/- - GET', 'url-rewrite'), {
      ok: false,
      channel: '4',
      problem: 'no request URL',
    });
    assert.equal(parseHelperLine('\u0000\u0001garbage', 'url-rewrite').ok, false);
  });
});

describe('external ACL lines (%>a %un %>rm %>ru)', () => {
  test('with a channel id and the %DATA Squid appends', () => {
    const parsed = parseHelperLine(
      '2 10.0.20.7 alice GET http://bet365.com:8080/x?y=%22z%22 -',
      'external-acl',
    );
    assert.deepEqual(parsed, {
      ok: true,
      query: {
        channel: '2',
        url: 'http://bet365.com:8080/x?y=%22z%22',
        clientIp: '10.0.20.7',
        username: 'alice',
        method: 'GET',
      },
    });
  });

  test('without a channel id; CONNECT', () => {
    const parsed = parseHelperLine('127.0.0.1 - CONNECT bet365.com:443 -', 'external-acl');
    assert.ok(parsed.ok);
    assert.equal(parsed.query.channel, null);
    assert.equal(parsed.query.url, 'bet365.com:443');
    assert.equal(parsed.query.username, null);
  });

  test('too few fields, or no URL where the URL should be', () => {
    assert.deepEqual(parseHelperLine('5 127.0.0.1 alice', 'external-acl'), {
      ok: false,
      channel: '5',
      problem: 'expected the external ACL format %>a %un %>rm %>ru',
    });
    assert.equal(parseHelperLine('127.0.0.1 - GET -', 'external-acl').ok, false);
  });
});

describe('answers', () => {
  test('url-rewrite: redirect when blocked, ERR (no change) when allowed', () => {
    assert.equal(
      formatAnswer(
        {
          kind: 'block',
          channel: '3',
          ruleId: 'matrix:gambling:ks2',
          category: 'gambling',
          reason: 'Gambling sites are not allowed.',
          redirectUrl: 'http://haven.test/blocked?reason=a+b&x="y"',
        },
        'url-rewrite',
      ),
      '3 OK status=302 url="http://haven.test/blocked?reason=a+b&x=\\"y\\"" haven_rule=matrix:gambling:ks2 haven_category=gambling\n',
    );
    assert.equal(
      formatAnswer(
        { kind: 'allow', channel: null, ruleId: 'default', category: null },
        'url-rewrite',
      ),
      'ERR haven_rule=default\n',
    );
  });

  test('external-acl: OK when allowed, ERR with message, tag and log when blocked', () => {
    assert.equal(
      formatAnswer(
        { kind: 'allow', channel: '0', ruleId: 'default', category: null },
        'external-acl',
      ),
      '0 OK haven_rule=default\n',
    );
    assert.equal(
      formatAnswer(
        {
          kind: 'block',
          channel: '0',
          ruleId: 'illegal:child-abuse',
          category: 'child-abuse',
          reason: 'Blocked "for everyone".\nReally.',
          redirectUrl: null,
        },
        'external-acl',
      ),
      '0 ERR message="Blocked \\"for everyone\\".\\nReally." tag=child-abuse log=illegal:child-abuse haven_rule=illegal:child-abuse haven_category=child-abuse\n',
    );
  });

  test('BH carries its message', () => {
    assert.equal(
      formatAnswer({ kind: 'broken', channel: '9', message: 'line too long' }, 'external-acl'),
      '9 BH message="line too long"\n',
    );
  });

  test('quoting and unescaping', () => {
    assert.equal(quoteValue('plain-token'), 'plain-token');
    assert.equal(quoteValue('a b'), '"a b"');
    assert.equal(quoteValue('back\\slash'), '"back\\\\slash"');
    assert.equal(unescapeField('%E2%9C%93'), '✓');
    assert.equal(unescapeField('100%'), '100%', 'a malformed escape is kept');
  });
});
