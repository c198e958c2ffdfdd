import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { testIdentifier, testIdentity, testSnapshots, TestSink } from './decider.test-data.ts';
import type { HelperMode } from './helper-protocol.ts';
import { createSquidDecider, type FilterDecide, type FilterVerdict } from './squid-decider.ts';
import { blockPageRedirect, runSquidHelper, type SquidHelperStats } from './squid-helper.ts';

const BLOCK_PAGE = 'http://haven.test/blocked';

function verdict(
  action: FilterVerdict['action'],
  extra: Partial<FilterVerdict> = {},
): FilterVerdict {
  return {
    action,
    ruleId: action === 'block' ? 'matrix:gambling:ks2' : 'default',
    category: action === 'block' ? 'gambling' : null,
    categoryLabel: null,
    reason: action === 'block' ? 'Gambling sites are not allowed for Key Stage 2.' : 'Fine.',
    host: 'bet365.com',
    illegal: false,
    schoolName: 'Roundwood',
    band: null,
    ...extra,
  };
}

/** Blocks any URL with "bet365" in it, after `delayOf(url)` milliseconds. */
function fakeDecide(delayOf: (target: string) => number = () => 0): FilterDecide {
  return (request) => {
    const target = request.url ?? request.host ?? '';
    return new Promise((resolve) =>
      setTimeout(
        () => resolve(verdict(target.includes('bet365') ? 'block' : 'allow')),
        delayOf(target),
      ),
    );
  };
}

interface Run {
  readonly input: PassThrough;
  readonly lines: string[];
  readonly done: Promise<SquidHelperStats>;
  /** Resolves once `n` answer lines have been written. */
  answers(n: number): Promise<string[]>;
}

function start(
  mode: HelperMode,
  decide: FilterDecide,
  options: { maxLineBytes?: number } = {},
): Run {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: string[] = [];
  const waiters: Array<{ n: number; resolve: (lines: string[]) => void }> = [];
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    const parts = text.split('\n');
    text = parts.pop() ?? '';
    lines.push(...parts);
    for (const waiter of [...waiters]) {
      if (lines.length >= waiter.n) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(lines.slice());
      }
    }
  });
  const done = runSquidHelper({
    input,
    output,
    mode,
    decide,
    blockPageUrl: BLOCK_PAGE,
    ...options,
  });
  return {
    input,
    lines,
    done,
    answers: (n) =>
      lines.length >= n
        ? Promise.resolve(lines.slice())
        : new Promise((resolve) => waiters.push({ n, resolve })),
  };
}

describe('runSquidHelper', () => {
  test('with channel ids, answers as decisions finish, in any order', async () => {
    // Each decision waits until the test lets it finish, so the order is the test's.
    const pending = new Map<string, () => void>();
    const decide: FilterDecide = (request) => {
      const target = request.url ?? '';
      return new Promise((resolve) =>
        pending.set(target, () => resolve(verdict(target.includes('bet365') ? 'block' : 'allow'))),
      );
    };
    const finish = (url: string) => pending.get(url)?.();
    const run = start('url-rewrite', decide);
    run.input.write('0 http://slow.test/ 10.0.0.1/- - GET\n');
    run.input.write('1 http://bet365.com/ 10.0.0.1/- - GET\n');
    run.input.write('2 http://fast.test/ 10.0.0.1/- - GET\n');
    while (pending.size < 3) await new Promise((r) => setImmediate(r));
    finish('http://bet365.com/');
    assert.match(
      (await run.answers(1))[0] ?? '',
      /^1 OK status=302 url="http:\/\/haven\.test\/blocked\?/,
    );
    finish('http://fast.test/');
    assert.equal((await run.answers(2))[1], '2 ERR haven_rule=default');
    finish('http://slow.test/');
    assert.equal((await run.answers(3))[2], '0 ERR haven_rule=default', 'the slow one comes last');
    run.input.end();
    assert.deepEqual(await run.done, { answered: 3, broken: 0 });
  });

  test('without channel ids, answers strictly in order', async () => {
    const run = start(
      'external-acl',
      fakeDecide((url) => (url.includes('slow') ? 50 : 0)),
    );
    run.input.write('10.0.0.1 - GET http://slow.test/ -\n10.0.0.1 - GET http://bet365.com/ -\n');
    run.input.write('10.0.0.1 - GET http://fast.test/ -\n');
    run.input.end();
    await run.done;
    assert.deepEqual(run.lines, [
      'OK haven_rule=default',
      'ERR message="Gambling sites are not allowed for Key Stage 2." tag=gambling log=matrix:gambling:ks2 haven_rule=matrix:gambling:ks2 haven_category=gambling',
      'OK haven_rule=default',
    ]);
  });

  test('lines split anywhere across reads are put back together', async () => {
    const run = start('url-rewrite', fakeDecide());
    const text = '4 http://bet365.com/x 10.0.0.1/- - GET\n5 http://ok.test/ 10.0.0.1/- - GET\n';
    for (const ch of text) run.input.write(ch);
    run.input.end();
    await run.done;
    assert.equal(run.lines.length, 2);
    assert.ok(run.lines.some((l) => l.startsWith('4 OK status=302')));
    assert.ok(run.lines.includes('5 ERR haven_rule=default'));
  });

  test('a malformed line is answered BH and the helper keeps going', async () => {
    const run = start('url-rewrite', fakeDecide());
    run.input.write('6 no-url-here\n');
    run.input.write('not a question at all\n');
    run.input.write('7 http://ok.test/ 10.0.0.1/- - GET\n');
    run.input.end();
    const stats = await run.done;
    assert.equal(run.lines[0], '6 BH message="no request URL"');
    assert.equal(run.lines[1], 'BH message="no request URL"');
    assert.equal(run.lines[2], '7 ERR haven_rule=default');
    assert.deepEqual(stats, { answered: 3, broken: 2 });
  });

  test('an over-long line is answered BH with its channel id, without buffering it all', async () => {
    const run = start('url-rewrite', fakeDecide(), { maxLineBytes: 1024 });
    run.input.write(`8 http://long.test/${'a'.repeat(4000)}`);
    run.input.write(`${'b'.repeat(4000)} 10.0.0.1/- - GET\n`);
    run.input.write('9 http://ok.test/ 10.0.0.1/- - GET\n');
    run.input.end();
    await run.done;
    assert.deepEqual(run.lines, ['8 BH message="line too long"', '9 ERR haven_rule=default']);
  });

  test('at EOF the pending questions are still answered, a last line without newline too', async () => {
    const run = start(
      'url-rewrite',
      fakeDecide(() => 30),
    );
    run.input.write('1 http://a.test/ 10.0.0.1/- - GET\n2 http://bet365.com/ 10.0.0.1/- - GET');
    run.input.end();
    const stats = await run.done;
    assert.equal(stats.answered, 2);
    assert.equal(run.lines.length, 2);
  });

  test('a decision that throws is answered BH, not left hanging', async () => {
    const run = start('url-rewrite', () => Promise.reject(new Error('boom')));
    run.input.end('3 http://a.test/ 10.0.0.1/- - GET\n');
    await run.done;
    assert.deepEqual(run.lines, ['3 BH message="Haven could not decide"']);
  });

  test('url-rewrite mode needs the block page', async () => {
    await assert.rejects(
      runSquidHelper({ input: new PassThrough(), output: new PassThrough(), decide: fakeDecide() }),
      /block page/,
    );
  });

  test('random bytes never stop the helper (fuzz)', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const mode of ['url-rewrite', 'external-acl'] as const) {
      const run = start(mode, fakeDecide(), { maxLineBytes: 512 });
      let newlines = 0;
      for (let i = 0; i < 200; i++) {
        const bytes = Buffer.alloc(Math.floor(random() * 700));
        for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
        for (const b of bytes) if (b === 10) newlines += 1;
        run.input.write(bytes);
      }
      run.input.write('\n');
      newlines += 1;
      run.input.end(
        mode === 'url-rewrite'
          ? '77 http://bet365.com/ 10.0.0.1/- - GET\n'
          : '77 10.0.0.1 - GET http://bet365.com/ -\n',
      );
      const stats = await run.done;
      assert.equal(stats.answered, newlines + 1, 'one answer per line');
      assert.match(run.lines.at(-1) ?? '', /^77 (OK status=302|ERR message=)/);
    }
  });
});

describe('the Squid helper on the real decision chain', () => {
  test('decides with the engine and logs one event per question', async () => {
    const sink = new TestSink();
    const decide = createSquidDecider({
      identifier: testIdentifier({ '10.0.20.7': testIdentity(['ks2']) }),
      snapshots: testSnapshots(),
      sink,
    });
    const run = start('url-rewrite', decide);
    run.input.write('0 http://bet365.com/ 10.0.20.7/- - GET\n');
    run.input.write('1 http://allowed.test/listed/page?x=1 10.0.20.7/- - GET\n');
    run.input.write('2 http://allowed.test/ 10.0.20.7/- alice GET\n');
    run.input.end('3 iwf-listed.test:443 10.0.20.7/- - CONNECT\n');
    await run.done;
    const byChannel = new Map(run.lines.map((l) => [l.split(' ')[0], l]));
    assert.match(
      byChannel.get('0') ?? '',
      /reason=Gambling\+sites\+are\+not\+allowed\+for\+Key\+Stage\+2/,
    );
    assert.match(byChannel.get('1') ?? '', /rule=illegal%3Achild-abuse/);
    assert.doesNotMatch(
      byChannel.get('1') ?? '',
      /[?&]url=/,
      'no IWF-listed address in the redirect',
    );
    assert.equal(byChannel.get('2'), '2 ERR haven_rule=default');
    assert.match(byChannel.get('3') ?? '', /^3 OK status=302/);

    assert.equal(sink.events.length, 4);
    const blocked = sink.events.find((e) => e.host === 'bet365.com');
    assert.equal(blocked?.source, 'squid-helper');
    assert.equal(blocked?.status, 302);
    assert.equal(blocked?.group, 'ks2');
    const alice = sink.events.find((e) => e.username === 'alice');
    assert.equal(alice?.action, 'allow');
    const connect = sink.events.find((e) => e.method === 'CONNECT');
    assert.equal(connect?.url, 'iwf-listed.test', 'the list entry only (MON-4)');
  });

  test('the block page link carries the reason, and the URL only when legal', () => {
    const legal = new URL(blockPageRedirect(BLOCK_PAGE, verdict('block'), 'http://bet365.com/x'));
    assert.equal(legal.searchParams.get('url'), 'http://bet365.com/x');
    assert.equal(legal.searchParams.get('category'), 'gambling');
    const illegal = new URL(
      blockPageRedirect(BLOCK_PAGE, verdict('block', { illegal: true }), 'http://x.test/secret'),
    );
    assert.equal(illegal.searchParams.get('url'), null);
    assert.equal(illegal.searchParams.get('host'), 'bet365.com');
  });
});
