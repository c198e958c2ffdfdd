import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compile } from '../policy/engine/compile.ts';
import type { Snapshot } from '../policy/engine/compile.ts';
import { evaluate } from '../policy/engine/evaluate.ts';
import type { EngineRequest } from '../policy/engine/decision.ts';
import { hashSuffixes, SuffixKeys } from '../policy/engine/host-hash.ts';
import { ListIndexBuilder, matchHosts, MatchHits } from '../policy/engine/list-index.ts';
import type { Rules } from '../policy/engine/rules.ts';
import { BUILT_IN_CATEGORIES } from '../policy/engine/categories.ts';
import { ListParser } from '../policy/lists/list-parser.ts';
import { createRandom } from '../policy/engine/seeded-random.ts';

/**
 * `haven bench engine`: the decision engine with N listed domains (default 1,000,000), against a
 * naive `Set<string>` matcher measured in the same run on the same list and queries.
 *
 * - list: N synthetic domains, deterministic (domain i is a pure function of i), as one text
 *   (like a `domains` file read into memory), parsed and indexed — the load time covers both.
 * - memory: heap + ArrayBuffers growth after `global.gc()`, from before the text was made to
 *   after it was dropped, divided by N. Without `--expose-gc` the bench re-runs itself in a
 *   child process that has it (same `process.execArgv`, so tsx stays loaded).
 * - queries: 20 % listed domains (half of them as a subdomain), 80 % unlisted, decided for a
 *   Key Stage 2 pupil with the classifier on, on one core (one thread), for `seconds` each.
 */

export interface EngineBenchOptions {
  readonly domains?: number;
  readonly seconds?: number;
}

export interface EngineBenchResult {
  readonly domains: number;
  /** Full `evaluate()` calls per second (rules, lists, help, exemptions, classifier). */
  readonly decisions_per_sec: number;
  /** Host-matcher lookups per second (suffix hashes + table probes only). */
  readonly lookups_per_sec: number;
  readonly bytes_per_domain: number;
  /** Parse + index time, scaled to one million entries. */
  readonly load_seconds_per_million: number;
  readonly naive_decisions_per_sec: number;
  readonly naive_bytes_per_domain: number;
  readonly naive_load_seconds_per_million: number;
  readonly listed_query_fraction: number;
  readonly blocked_fraction: number;
  readonly seconds: number;
  readonly node: string;
}

const CHILD_FLAG = '--haven-engine-bench-child';
const SEED = 0x5eed_2026;

const TLDS = [
  'com',
  'com',
  'com',
  'net',
  'org',
  'co.uk',
  'de',
  'ru',
  'info',
  'xyz',
  'top',
  'fr',
  'io',
  'online',
  'com.br',
  'pl',
];
const CATEGORIES = [
  'gambling',
  'pornography',
  'circumvention',
  'malware-hacking',
  'social-media',
  'online-gaming',
];

function mix(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Domain number `i`: a pure function of i (so queries can name listed domains without keeping them). */
export function syntheticDomain(i: number): string {
  let h = mix(i ^ SEED);
  const length = 5 + (h % 11);
  let label = '';
  for (let k = 0; k < length; k++) {
    h = mix(h + k + 0x9e3779b9);
    label += LETTERS[h % (k === 0 ? 26 : 36)] ?? 'a';
    if (k > 2 && k < length - 2 && h % 17 === 0) label += '-';
  }
  h = mix(h ^ 0x1234567);
  const tld = TLDS[h % TLDS.length] ?? 'com';
  const sub = h % 7 === 0 ? `${LETTERS[(h >>> 8) % 26] ?? 'a'}${(h >>> 12) % 100}.` : '';
  return `${sub}${label}${i.toString(36)}.${tld}`;
}

function benchRules(): Rules {
  return {
    school: { id: 'bench', name: 'Bench School', timeZone: 'Europe/London' },
    categories: BUILT_IN_CATEGORIES.map(({ id, label, legal }) => ({ id, label, legal })),
    bands: [
      {
        id: 'lunch',
        label: 'lunch',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        ranges: [{ from: '12:15', to: '13:15' }],
      },
    ],
    groups: [
      { id: 'ks2', label: 'Key Stage 2', kind: 'age-stage' },
      { id: 'staff', label: 'Staff', kind: 'staff' },
      { id: 'guests', label: 'Guests', kind: 'guest' },
      { id: 'safeguarding-checkers', label: 'Safeguarding checkers', kind: 'nominated' },
    ],
    matrix: [
      ...['gambling', 'pornography', 'circumvention', 'malware-hacking'].map((category) => ({
        category,
        group: 'ks2',
        level: 'unacceptable' as const,
      })),
      {
        category: 'social-media',
        group: 'ks2',
        level: 'acceptable-at-certain-times',
        bands: ['lunch'],
      },
      {
        category: 'pornography',
        group: 'staff',
        level: 'acceptable-for-nominated-users',
        nominatedGroups: ['safeguarding-checkers'],
      },
    ],
    defaultCell: { level: 'acceptable' },
    uncategorised: 'allow',
    fallbackGroup: 'guests',
    exemptions: [],
    localEntries: [],
    flagCategories: [],
    help: [],
    schoolSites: [],
  };
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('the engine bench needs --expose-gc');
  for (let i = 0; i < 3; i++) collect();
}

function memoryNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** The list as one text, like a `domains` file read into memory. */
function listText(n: number): string {
  const parts: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) parts[i] = syntheticDomain(i);
  return parts.join('\n') + '\n';
}

interface Queries {
  readonly hosts: string[];
  readonly listed: number;
}

function makeQueries(n: number, count: number): Queries {
  const random = createRandom(SEED ^ 0xabcdef);
  const hosts: string[] = [];
  let listed = 0;
  for (let q = 0; q < count; q++) {
    if (random.next() < 0.2) {
      const d = syntheticDomain(random.int(n));
      hosts.push(random.next() < 0.5 ? d : `www.${d}`);
      listed++;
    } else {
      hosts.push(syntheticDomain(n + random.int(n * 4 + 1)));
    }
  }
  return { hosts, listed };
}

function timeLoop(seconds: number, step: (i: number) => number): { perSec: number; sink: number } {
  let sink = 0;
  let done = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let now = start;
  while (now < deadline) {
    for (let k = 0; k < 10_000; k++) sink += step(done + k);
    done += 10_000;
    now = performance.now();
  }
  return { perSec: done / ((now - start) / 1000), sink };
}

/** Parses and indexes the list text; the text is dropped when this returns. */
function loadHaven(n: number): { snapshot: Snapshot; loadMs: number } {
  const text = listText(n);
  const t0 = performance.now();
  const builder = new ListIndexBuilder(n);
  let line = 0;
  const parser = new ListParser(
    { file: 'bench/domains', format: 'domains' },
    {
      entry: (e) => {
        builder.addHost(e.value, CATEGORIES[line++ % CATEGORIES.length] ?? 'gambling', 'bench');
      },
      error: () => undefined,
    },
  );
  parser.write(text);
  parser.end();
  const snapshot = compile(benchRules(), builder.build());
  return { snapshot, loadMs: performance.now() - t0 };
}

function haven(
  n: number,
  seconds: number,
  queries: Queries,
): Pick<
  EngineBenchResult,
  | 'decisions_per_sec'
  | 'lookups_per_sec'
  | 'bytes_per_domain'
  | 'load_seconds_per_million'
  | 'blocked_fraction'
> {
  gc();
  const base = memoryNow();
  const { snapshot, loadMs } = loadHaven(n);
  gc();
  const bytes = memoryNow() - base;

  const hosts = queries.hosts;
  const requests: EngineRequest[] = hosts.map((host) => ({ groups: ['ks2'], host }));
  const at = new Date('2026-06-17T09:30:00Z');
  let blocked = 0;
  for (const r of requests) if (evaluate(snapshot, r, at).action === 'block') blocked++;
  const decisions = timeLoop(seconds, (i) =>
    evaluate(snapshot, requests[i % requests.length] ?? { groups: [] }, at).action === 'block'
      ? 1
      : 0,
  );
  const keys = new SuffixKeys();
  const hits = new MatchHits();
  const lookups = timeLoop(seconds, (i) => {
    hashSuffixes(hosts[i % hosts.length] ?? '', keys);
    hits.count = 0;
    return matchHosts(snapshot.lists, keys, hits);
  });
  return {
    decisions_per_sec: Math.round(decisions.perSec),
    lookups_per_sec: Math.round(lookups.perSec),
    bytes_per_domain: Math.round((bytes / n) * 10) / 10,
    load_seconds_per_million: Math.round((loadMs / 1000) * (1_000_000 / n) * 1000) / 1000,
    blocked_fraction: Math.round((blocked / requests.length) * 1000) / 1000,
  };
}

function loadNaive(n: number): { map: Map<string, string>; loadMs: number } {
  const text = listText(n);
  const t0 = performance.now();
  const map = new Map<string, string>();
  let line = 0;
  for (const raw of text.split('\n')) {
    const d = raw.trim().toLowerCase();
    if (d.length > 0) map.set(d, CATEGORIES[line++ % CATEGORIES.length] ?? 'gambling');
  }
  return { map, loadMs: performance.now() - t0 };
}

/** The naive matcher: a `Map<string, category>` probed with every suffix of the host. */
function naive(
  n: number,
  seconds: number,
  queries: Queries,
): Pick<
  EngineBenchResult,
  'naive_decisions_per_sec' | 'naive_bytes_per_domain' | 'naive_load_seconds_per_million'
> {
  gc();
  const base = memoryNow();
  const { map, loadMs } = loadNaive(n);
  gc();
  const bytes = memoryNow() - base;
  const blocking = new Set(['gambling', 'pornography', 'circumvention', 'malware-hacking']);
  const decide = (
    host: string,
  ): { action: string; category: string | null; entry: string | null } => {
    let h = host.toLowerCase();
    for (;;) {
      const category = map.get(h);
      if (category !== undefined)
        return { action: blocking.has(category) ? 'block' : 'allow', category, entry: h };
      const dot = h.indexOf('.');
      if (dot < 0) return { action: 'allow', category: null, entry: null };
      h = h.slice(dot + 1);
    }
  };
  const hosts = queries.hosts;
  const decisions = timeLoop(seconds, (i) =>
    decide(hosts[i % hosts.length] ?? '').action === 'block' ? 1 : 0,
  );
  return {
    naive_decisions_per_sec: Math.round(decisions.perSec),
    naive_bytes_per_domain: Math.round((bytes / n) * 10) / 10,
    naive_load_seconds_per_million: Math.round((loadMs / 1000) * (1_000_000 / n) * 1000) / 1000,
  };
}

function runHere(opts: EngineBenchOptions): EngineBenchResult {
  const n = Math.max(1000, Math.floor(opts.domains ?? 1_000_000));
  const seconds = Math.max(0.2, opts.seconds ?? 3);
  const queries = makeQueries(n, 200_000);
  const h = haven(n, seconds, queries);
  const v = naive(n, seconds, queries);
  return {
    domains: n,
    ...h,
    ...v,
    listed_query_fraction: Math.round((queries.listed / queries.hosts.length) * 1000) / 1000,
    seconds,
    node: process.version,
  };
}

function runChild(opts: EngineBenchOptions): Promise<EngineBenchResult> {
  const file = fileURLToPath(import.meta.url);
  // The child runs this TypeScript file: keep tsx loaded whether it came by --import (npm test)
  // or was registered by bin/haven.js.
  const hasTsx =
    process.execArgv.some((a) => a.includes('tsx')) ||
    (process.env.NODE_OPTIONS ?? '').includes('tsx');
  const loader = hasTsx ? [] : ['--import', 'tsx'];
  const args = [
    ...process.execArgv,
    ...loader,
    '--expose-gc',
    file,
    CHILD_FLAG,
    JSON.stringify(opts),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`engine bench child exited with ${code ?? 'a signal'}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as EngineBenchResult);
      } catch {
        reject(new Error(`engine bench child printed no result: ${last}`));
      }
    });
  });
}

/** Runs the engine benchmark (in a child process with `--expose-gc` when gc is not exposed). */
export async function runEngineBench(opts: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') return runChild(opts);
  return runHere(opts);
}

if (process.argv[2] === CHILD_FLAG) {
  const opts = JSON.parse(process.argv[3] ?? '{}') as EngineBenchOptions;
  process.stdout.write(`${JSON.stringify(runHere(opts))}\n`);
}
