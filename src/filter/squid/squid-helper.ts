import type { Readable, Writable } from 'node:stream';
import {
  formatAnswer,
  parseHelperLine,
  type HelperAnswer,
  type HelperMode,
  type HelperQuery,
} from './helper-protocol.ts';
import type { FilterDecide, FilterRequest, FilterVerdict } from './squid-decider.ts';

/**
 * The helper process loop: reads Squid's questions line by line from `input`, asks `decide`, and
 * writes one answer line per question to `output`.
 *
 * - With channel ids (Squid's `concurrency=N`, N > 0) questions are decided at the same time and
 *   answered as each decision is ready, in any order.
 * - Without them Squid waits for each answer; answers are written strictly in order anyway.
 * - A line longer than `maxLineBytes`, or one that cannot be read, is answered `BH` and the loop
 *   keeps going. When `input` ends, the loop answers what is still pending and returns.
 *
 * Decisions never fail open: `decide` answers a block when Haven cannot decide, and in
 * url-rewrite mode a block is always a redirect to the block page (Squid lets a request through
 * unchanged after `BH`, so `BH` is kept for lines Squid should never have sent).
 */

export interface SquidHelperOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly decide: FilterDecide;
  /** Which protocol Squid speaks to this helper (default `url-rewrite`). */
  readonly mode?: HelperMode;
  /** url-rewrite: the block page blocked requests are redirected to (required in that mode). */
  readonly blockPageUrl?: string;
  /** Longest accepted line, in bytes (default 64 KiB; Squid's own limit is lower). */
  readonly maxLineBytes?: number;
  /** Problems worth a line in cache.log (Squid copies the helper's stderr there). */
  readonly log?: (message: string) => void;
}

export interface SquidHelperStats {
  readonly answered: number;
  readonly broken: number;
}

const DEFAULT_MAX_LINE = 64 * 1024;

/**
 * The block page address for a blocked request: the configured page with the reason and rule as
 * query parameters. The requested URL is added only for legal categories (MON-4).
 */
export function blockPageRedirect(
  base: string,
  verdict: FilterVerdict,
  requestUrl: string,
): string {
  const target = new URL(base);
  target.searchParams.set('reason', verdict.reason);
  target.searchParams.set('rule', verdict.ruleId);
  if (verdict.category !== null) target.searchParams.set('category', verdict.category);
  target.searchParams.set('host', verdict.host);
  if (!verdict.illegal) target.searchParams.set('url', requestUrl);
  return target.toString();
}

/** What the engine is asked: the URL for HTTP, the host for CONNECT (`host:port`). */
export function filterRequestOf(query: HelperQuery, mode: HelperMode): FilterRequest {
  const isConnect = query.method === 'CONNECT' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(query.url);
  return {
    source: 'squid-helper',
    clientIp: query.clientIp ?? '',
    username: query.username,
    method: query.method ?? (isConnect ? 'CONNECT' : 'GET'),
    ...(isConnect ? { host: query.url } : { url: query.url }),
    blockStatus: mode === 'url-rewrite' ? 302 : 403,
  };
}

function answerOf(
  query: HelperQuery,
  verdict: FilterVerdict,
  mode: HelperMode,
  blockPageUrl: string | undefined,
): HelperAnswer {
  if (verdict.action !== 'block') {
    return {
      kind: 'allow',
      channel: query.channel,
      ruleId: verdict.ruleId,
      category: verdict.category,
    };
  }
  return {
    kind: 'block',
    channel: query.channel,
    ruleId: verdict.ruleId,
    category: verdict.category,
    reason: verdict.reason,
    redirectUrl:
      mode === 'url-rewrite' && blockPageUrl !== undefined
        ? blockPageRedirect(blockPageUrl, verdict, query.url)
        : null,
  };
}

/** Reads the leading channel id of a line that could not be read whole, if it has one. */
function channelOfPrefix(prefix: string): string | null {
  const match = /^([0-9]{1,10})[ \t]/.exec(prefix);
  return match?.[1] ?? null;
}

export function runSquidHelper(options: SquidHelperOptions): Promise<SquidHelperStats> {
  const mode = options.mode ?? 'url-rewrite';
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  const log = options.log ?? (() => undefined);
  if (mode === 'url-rewrite' && options.blockPageUrl === undefined) {
    return Promise.reject(new Error('url-rewrite mode needs the block page URL'));
  }
  if (options.blockPageUrl !== undefined) new URL(options.blockPageUrl); // throws when invalid

  let answered = 0;
  let broken = 0;
  let inFlight = 0;
  let ended = false;
  let finish: (stats: SquidHelperStats) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<SquidHelperStats>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });

  /** Answers of lines without a channel id, in arrival order: Squid matches them by position. */
  const ordered: Array<{ text: string | null }> = [];

  function write(text: string): void {
    answered += 1;
    options.output.write(text);
  }

  function flushOrdered(): void {
    while (ordered.length > 0 && ordered[0]?.text !== null) {
      const slot = ordered.shift();
      if (slot?.text) write(slot.text);
    }
  }

  function maybeFinish(): void {
    if (ended && inFlight === 0 && ordered.length === 0) finish({ answered, broken });
  }

  /** Queues one answer: in order when there is no channel id, at once when there is. */
  function answerLater(channel: string | null, work: Promise<string>): void {
    inFlight += 1;
    const slot = { text: null as string | null };
    if (channel === null) ordered.push(slot);
    void work
      .catch((error: unknown) => {
        broken += 1;
        log(`haven squid helper: decision failed: ${String(error)}`);
        return formatAnswer({ kind: 'broken', channel, message: 'Haven could not decide' }, mode);
      })
      .then((text) => {
        inFlight -= 1;
        if (channel === null) {
          slot.text = text;
          flushOrdered();
        } else {
          write(text);
        }
        maybeFinish();
      });
  }

  function handleLine(line: string): void {
    const parsed = parseHelperLine(line, mode);
    if (!parsed.ok) {
      broken += 1;
      log(`haven squid helper: ${parsed.problem}: ${JSON.stringify(line.slice(0, 200))}`);
      answerLater(
        parsed.channel,
        Promise.resolve(
          formatAnswer({ kind: 'broken', channel: parsed.channel, message: parsed.problem }, mode),
        ),
      );
      return;
    }
    const query = parsed.query;
    answerLater(
      query.channel,
      options
        .decide(filterRequestOf(query, mode))
        .then((verdict) =>
          formatAnswer(answerOf(query, verdict, mode, options.blockPageUrl), mode),
        ),
    );
  }

  // --- line splitting with a length limit (readline has none)
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Set while discarding the rest of an over-long line; holds its first bytes. */
  let overflow: string | null = null;

  function onData(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (overflow === null) {
        if (pendingBytes + piece.length > maxLine) {
          overflow = Buffer.concat([...pending, piece])
            .subarray(0, 32)
            .toString('latin1');
          pending = [];
          pendingBytes = 0;
        } else if (piece.length > 0) {
          pending.push(piece);
          pendingBytes += piece.length;
        }
      }
      if (nl < 0) return;
      if (overflow !== null) {
        const channel = channelOfPrefix(overflow);
        broken += 1;
        log(`haven squid helper: line longer than ${maxLine} bytes`);
        answerLater(
          channel,
          Promise.resolve(
            formatAnswer({ kind: 'broken', channel, message: 'line too long' }, mode),
          ),
        );
        overflow = null;
      } else {
        const line = Buffer.concat(pending, pendingBytes).toString('utf8');
        pending = [];
        pendingBytes = 0;
        handleLine(line);
      }
      start = nl + 1;
    }
  }

  function onEnd(): void {
    if (ended) return;
    // A last line without its newline is still a question.
    if (overflow === null && pendingBytes > 0) {
      const line = Buffer.concat(pending, pendingBytes).toString('utf8');
      pending = [];
      pendingBytes = 0;
      handleLine(line);
    }
    ended = true;
    maybeFinish();
  }

  options.input.on('data', (chunk: Buffer | string) =>
    onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
  );
  options.input.on('end', onEnd);
  options.input.on('close', onEnd);
  options.input.on('error', (error: Error) => {
    log(`haven squid helper: input failed: ${error.message}`);
    onEnd();
  });
  options.output.on('error', (error: Error) => fail(error));
  return done;
}
