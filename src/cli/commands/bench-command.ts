import type { Command } from 'commander';
import { runEngineBench } from '../../bench/engine-bench.ts';
import { CliError } from '../cli-context.ts';
import { out } from '../cli-io.ts';

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new CliError(`--${name} must be a positive number, not "${value}".`);
  return n;
}

/** `haven bench …`: benchmarks print their figures; with --json the last line is one JSON object. */
export function benchCommand(program: Command): void {
  const bench = program
    .command('bench')
    .description('Benchmarks (see docs/benchmarks.md); --json ends with one JSON line');
  bench
    .command('engine')
    .description(
      'The decision engine with N listed domains, beside a naive Set<string> matcher in the same run',
    )
    .option('--domains <n>', 'listed domains', '1000000')
    .option('--seconds <s>', 'seconds per timed phase', '3')
    .option('--json', 'print the figures as one JSON object on the last line')
    .action(async (options: { domains?: string; seconds?: string; json?: boolean }) => {
      const domains = Math.round(positive(options.domains, 'domains', 1_000_000));
      const seconds = positive(options.seconds, 'seconds', 3);
      if (!options.json)
        out(
          `Engine benchmark: ${domains.toLocaleString('en-GB')} domains, ${seconds} s per phase…\n`,
        );
      const result = await runEngineBench({ domains, seconds });
      if (options.json) {
        out(`${JSON.stringify(result)}\n`);
        return;
      }
      const rows: [string, string, string][] = [
        [
          'decisions per second (full evaluate)',
          Math.round(result.decisions_per_sec).toLocaleString('en-GB'),
          '≥ 1,000,000',
        ],
        ['host lookups per second', Math.round(result.lookups_per_sec).toLocaleString('en-GB'), ''],
        ['bytes per listed domain', result.bytes_per_domain.toFixed(1), '≤ 32'],
        ['load seconds per million', result.load_seconds_per_million.toFixed(2), '≤ 2'],
        [
          'naive Set: decisions per second',
          Math.round(result.naive_decisions_per_sec).toLocaleString('en-GB'),
          '',
        ],
        ['naive Set: bytes per domain', result.naive_bytes_per_domain.toFixed(1), ''],
        [
          'naive Set: load seconds per million',
          result.naive_load_seconds_per_million.toFixed(2),
          '',
        ],
      ];
      for (const [label, value, target] of rows)
        out(`${label.padEnd(38)} ${value.padStart(12)}  ${target}\n`);
    });
}
