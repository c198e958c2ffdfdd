import type { Command } from 'commander';
import { runActivityBench } from '../../bench/activity-bench.ts';
import { runEngineBench } from '../../bench/engine-bench.ts';
import { runIngestBench } from '../../bench/ingest-bench.ts';
import { startSquidBump } from '../../bench/squid-bump-peer.ts';
import { benchDnsFilter } from '../../filter/dns/dns-bench.ts';
import { runInspectionBench } from '../../filter/proxy/inspection-bench.ts';
import { runProxyBench } from '../../filter/proxy/proxy-bench.ts';
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

  bench
    .command('ingest')
    .description(
      'Activity events through the batched writer into the database for N seconds; counts lost and duplicated events. ' +
        '--fault restarts the PostgreSQL server half way (a machine of your own only)',
    )
    .option('--database <kind>', 'pglite or postgres', 'pglite')
    .option(
      '--url <url>',
      'PostgreSQL server whose user may create a scratch database (default DATABASE_URL)',
    )
    .option('--seconds <s>', 'seconds of load', '60')
    .option('--rate <n>', 'events offered per second (default: as many as the writer takes)')
    .option(
      '--fault',
      'restart the PostgreSQL server half way, then check nothing was lost or duplicated',
    )
    .option(
      '--restart-command <shell>',
      'with --fault: how to restart the server (run by sh -c), e.g. pg_ctl … -m fast restart for a throw-away server; default pg_ctlcluster on the one cluster installed',
    )
    .option('--json', 'print the figures as one JSON object on the last line')
    .action(
      async (options: {
        database?: string;
        url?: string;
        seconds?: string;
        rate?: string;
        fault?: boolean;
        restartCommand?: string;
        json?: boolean;
      }) => {
        if (options.database !== 'pglite' && options.database !== 'postgres') {
          throw new CliError(
            `--database must be pglite or postgres, not "${options.database ?? ''}".`,
          );
        }
        const result = await runIngestBench({
          database: options.database,
          ...(options.url ? { url: options.url } : {}),
          seconds: positive(options.seconds, 'seconds', 60),
          ...(options.rate ? { rate: positive(options.rate, 'rate', 1) } : {}),
          fault: options.fault === true,
          ...(options.restartCommand
            ? { restartCommand: ['sh', '-c', options.restartCommand] }
            : {}),
          ...(options.json ? {} : { log: (line: string) => out(`${line}\n`) }),
        });
        if (options.json) {
          out(`${JSON.stringify(result)}\n`);
          return;
        }
        out(
          `${result.database}: ${Math.round(result.events_per_sec).toLocaleString('en-GB')} events/s; ` +
            `${result.stored.toLocaleString('en-GB')} of ${result.emitted.toLocaleString('en-GB')} stored; lost ${result.lost}, duplicated ${result.duplicated}` +
            `${result.fault ? `; spooled ${result.spooled}, replayed ${result.replayed}` : ''}\n`,
        );
        if (result.lost > 0 || result.duplicated > 0)
          throw new CliError('events were lost or duplicated');
      },
    );

  bench
    .command('activity')
    .description(
      'The Activity pages on a fresh school with N events over 30 days: p50/p99 of each search, the drill-downs, the dashboard and the CSV export',
    )
    .option('--events <n>', 'events to fill (made by the database server)', '10000000')
    .option('--days <n>', 'days the events span', '30')
    .option('--runs <n>', 'timed runs of each query', '20')
    .option('--database <kind>', 'pglite or postgres', 'postgres')
    .option(
      '--url <url>',
      'PostgreSQL server whose user may create a scratch database (default DATABASE_URL)',
    )
    .option('--json', 'print the figures as one JSON object on the last line')
    .action(
      async (options: {
        events?: string;
        days?: string;
        runs?: string;
        database?: string;
        url?: string;
        json?: boolean;
      }) => {
        if (options.database !== 'pglite' && options.database !== 'postgres') {
          throw new CliError(
            `--database must be pglite or postgres, not "${options.database ?? ''}".`,
          );
        }
        const result = await runActivityBench({
          database: options.database,
          ...(options.url ? { url: options.url } : {}),
          events: Math.round(positive(options.events, 'events', 10_000_000)),
          days: Math.round(positive(options.days, 'days', 30)),
          runs: Math.round(positive(options.runs, 'runs', 20)),
          ...(options.json ? {} : { log: (line: string) => out(`${line}\n`) }),
        });
        if (options.json) {
          out(`${JSON.stringify(result)}\n`);
          return;
        }
        out(
          `${result.database}: ${result.events.toLocaleString('en-GB')} events filled in ${result.fill_seconds} s\n`,
        );
        for (const [name, q] of Object.entries(result.queries))
          out(
            `${name.padEnd(20)} p50 ${String(q.p50_ms).padStart(8)} ms   p99 ${String(q.p99_ms).padStart(8)} ms\n`,
          );
      },
    );

  bench
    .command('proxy')
    .description(
      'The forward proxy with N listed domains, driven with keep-alive GETs (about a fifth blocked) through a local origin; ' +
        'for the side-by-side run with Squid and e2guardian see docs/benchmarks.md',
    )
    .option('--domains <n>', 'listed domains', '100000')
    .option('--seconds <s>', 'measured seconds (after a 1 s warm-up)', '10')
    .option('--connections <n>', 'client connections at once', '32')
    .option('--workers <n>', 'proxy worker processes', '1')
    .option(
      '--inspect',
      'measure HTTPS inspection instead: handshakes/s with and without the leaf cache, added latency, download throughput',
    )
    .option(
      '--squid <path>',
      'with --inspect: also measure Squid with ssl-bump, this squid binary (of squid-openssl; see docs/benchmarks.md), with the same load',
    )
    .option('--json', 'print the figures as one JSON object on the last line')
    .action(
      async (options: {
        domains?: string;
        seconds?: string;
        connections?: string;
        workers?: string;
        inspect?: boolean;
        squid?: string;
        json?: boolean;
      }) => {
        if (options.squid !== undefined && !options.inspect)
          throw new CliError('--squid goes with --inspect (the HTTPS inspection bench).');
        if (options.inspect) {
          const squid = options.squid;
          const inspected = await runInspectionBench(
            squid === undefined
              ? {}
              : {
                  peer: (setup) =>
                    startSquidBump({
                      squid,
                      ...setup,
                      ...(options.json ? {} : { log: (line: string) => out(`${line}\n`) }),
                    }),
                },
          );
          out(
            options.json
              ? `${JSON.stringify(inspected)}\n`
              : `${JSON.stringify(inspected, null, 2)}\n`,
          );
          return;
        }
        const result = await runProxyBench({
          domains: Math.round(positive(options.domains, 'domains', 100_000)),
          seconds: positive(options.seconds, 'seconds', 10),
          connections: Math.round(positive(options.connections, 'connections', 32)),
          workers: Math.round(positive(options.workers, 'workers', 1)),
        });
        if (options.json) {
          out(`${JSON.stringify(result)}\n`);
          return;
        }
        out(
          `proxy: ${Math.round(result.requests_per_sec).toLocaleString('en-GB')} requests/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ` +
            `RSS ${result.rss_mb} MB (peak ${result.peak_rss_mb} MB), ${result.errors} errors, ${Math.round(result.blocked_share * 100)} % blocked\n`,
        );
      },
    );

  bench
    .command('dns')
    .description(
      'The DNS filter with N listed domains against a local stub upstream, driven by dnsperf (apt-get install dnsperf)',
    )
    .option('--domains <n>', 'listed domains', '100000')
    .option('--names <n>', 'distinct names queried (about a fifth of them listed)', '10000')
    .option('--seconds <s>', 'measured seconds', '10')
    .option('--workers <n>', 'filter processes', '1')
    .option('--tcp', 'query over TCP instead of UDP')
    .option('--json', 'print the figures as one JSON object on the last line')
    .action(
      async (options: {
        domains?: string;
        names?: string;
        seconds?: string;
        workers?: string;
        tcp?: boolean;
        json?: boolean;
      }) => {
        const result = await benchDnsFilter({
          domains: Math.round(positive(options.domains, 'domains', 100_000)),
          names: Math.round(positive(options.names, 'names', 10_000)),
          seconds: positive(options.seconds, 'seconds', 10),
          workers: Math.round(positive(options.workers, 'workers', 1)),
          transport: options.tcp ? 'tcp' : 'udp',
        });
        if (options.json) {
          out(`${JSON.stringify(result)}\n`);
          return;
        }
        out(
          `dns: ${Math.round(result.queries_per_sec).toLocaleString('en-GB')} queries/s, p99 ${result.p99_ms ?? '?'} ms (${result.domains.toLocaleString('en-GB')} listed domains)\n`,
        );
      },
    );
}
