import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostClassifier, DEFAULT_PATTERNS, PATTERN_IDS } from './host-classifier.ts';
import type { PatternId } from './host-classifier.ts';
import { POPULAR_LEGITIMATE_SITES } from './popular-sites.test-data.ts';
import { readUt1, UT1_SKIP } from '../lists/ut1-data.test-data.ts';

/**
 * Measures each classifier pattern on the UT1 lists (docs/classifier.md):
 * - allow-set pass rate: share of the allow-type lists (liste_blanche, liste_bu, child,
 *   educational_games, sexual_education) and of ~200 popular legitimate sites that the pattern
 *   leaves alone — the "precision on the allow sets";
 * - recall on the pattern's block lists (gambling, adult, redirector + vpn, phishing);
 * - balanced precision: recall / (recall + false-positive rate), the precision the pattern would
 *   have if blocked and legitimate hosts were equally common.
 * A pattern is on by default only when both the pass rate and the balanced precision are ≥ 0.98;
 * this test fails when DEFAULT_PATTERNS and the gate disagree.
 *
 * The test samples up to 4,000 hosts a block list to stay fast; `HAVEN_CLASSIFIER_REPORT=full`
 * reads every line and prints the table for docs/classifier.md.
 */

const THRESHOLD = 0.8; // the engine's default classifierMinConfidence
const GATE = 0.98;
const FULL = process.env.HAVEN_CLASSIFIER_REPORT === 'full';
const SAMPLE = 4000;

const ALLOW_LISTS = ['liste_blanche', 'liste_bu', 'child', 'educational_games', 'sexual_education'];
const RECALL_LISTS: Readonly<Record<PatternId, readonly string[]>> = {
  'gambling-words': ['gambling'],
  'adult-words': ['adult'],
  'circumvention-words': ['redirector', 'vpn'],
  'brand-impersonation': ['phishing'],
  'look-alike-brand': ['phishing'],
};

function domains(category: string, sample: boolean): string[] {
  const all = readUt1(`${category}/domains`)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  if (!sample || all.length <= SAMPLE) return all;
  const step = all.length / SAMPLE;
  return Array.from({ length: SAMPLE }, (_, i) => all[Math.floor(i * step)] ?? '');
}

interface PatternFigures {
  pattern: PatternId;
  allowHosts: number;
  allowFlagged: string[];
  passRate: number;
  recall: Record<string, number>;
  pooledRecall: number;
  balancedPrecision: number;
  gate: boolean;
}

function measure(sample: boolean): PatternFigures[] {
  const classifier = createHostClassifier({ patterns: PATTERN_IDS });
  const allowHosts = [
    ...ALLOW_LISTS.flatMap((l) => domains(l, false)),
    ...POPULAR_LEGITIMATE_SITES,
  ];
  const allowReadings = allowHosts.map((h) => [h, classifier.read(h)] as const);
  const lists = new Map<string, ReturnType<typeof classifier.read>[]>();
  for (const list of new Set(Object.values(RECALL_LISTS).flat()))
    lists.set(
      list,
      domains(list, sample).map((h) => classifier.read(h)),
    );
  return PATTERN_IDS.map((pattern) => {
    const allowFlagged = allowReadings
      .filter(([, r]) => r.scores[pattern] >= THRESHOLD)
      .map(([h]) => h);
    const fpr = allowFlagged.length / allowHosts.length;
    const recall: Record<string, number> = {};
    let hits = 0;
    let total = 0;
    for (const list of RECALL_LISTS[pattern]) {
      const readings = lists.get(list) ?? [];
      const n = readings.filter((r) => r.scores[pattern] >= THRESHOLD).length;
      recall[list] = n / Math.max(1, readings.length);
      hits += n;
      total += readings.length;
    }
    const pooledRecall = hits / Math.max(1, total);
    const balancedPrecision = pooledRecall + fpr === 0 ? 0 : pooledRecall / (pooledRecall + fpr);
    const passRate = 1 - fpr;
    return {
      pattern,
      allowHosts: allowHosts.length,
      allowFlagged,
      passRate,
      recall,
      pooledRecall,
      balancedPrecision,
      gate: passRate >= GATE && balancedPrecision >= GATE,
    };
  });
}

function table(figures: readonly PatternFigures[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  const lines = [
    '| pattern | allow-set pass rate (n) | flagged allow-set hosts | recall | balanced precision | on by default |',
    '|---|---|---|---|---|---|',
  ];
  for (const f of figures) {
    const recall = Object.entries(f.recall)
      .map(([l, r]) => `${l} ${pct(r)}`)
      .join(', ');
    lines.push(
      `| ${f.pattern} | ${f.passRate.toFixed(4)} (${f.allowHosts}) | ${f.allowFlagged.length === 0 ? '–' : f.allowFlagged.join(', ')} | ${recall} | ${f.balancedPrecision.toFixed(4)} | ${f.gate ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}

test(
  'classifier patterns: precision on the allow sets, recall on the block lists, and the default gate',
  UT1_SKIP,
  (t) => {
    const figures = measure(!FULL);
    if (FULL) for (const line of table(figures).split('\n')) t.diagnostic(line);
    for (const f of figures) {
      assert.equal(
        DEFAULT_PATTERNS.includes(f.pattern),
        f.gate,
        `${f.pattern}: gate ${f.gate}, pass rate ${f.passRate}, balanced precision ${f.balancedPrecision}`,
      );
    }
    const gambling = figures.find((f) => f.pattern === 'gambling-words');
    assert.ok((gambling?.pooledRecall ?? 0) > 0.6, 'gambling recall');
  },
);
