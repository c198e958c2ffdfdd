import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { IcapClient, icapDecider } from '../icap/icap-client.ts';
import type { HelperMode } from './helper-protocol.ts';
import { runSquidHelper } from './squid-helper.ts';

/**
 * The program Squid starts as a url_rewrite or external ACL helper:
 *
 *   node --import tsx src/filter/squid/squid-helper-entry.ts \
 *     --mode url-rewrite --icap icap://127.0.0.1:1344/reqmod \
 *     --block-page http://haven.school.example:8080/blocked
 *
 * It holds no policy of its own: each question is put to Haven's ICAP service (`haven filter
 * --icap`) over a few persistent connections, so helpers start in a moment, Squid may start as
 * many as it likes, the decision and its activity event are made in one place, and a policy
 * change reaches every helper at once. When the service cannot be reached the answer is a block
 * (fail closed). See docs/squid.md.
 */

export const SQUID_HELPER_USAGE = `Usage: squid-helper-entry.ts [options]
  --mode url-rewrite|external-acl   which Squid helper protocol to speak (default url-rewrite)
  --icap URL                        Haven's ICAP service (default icap://127.0.0.1:1344/reqmod)
  --block-page URL                  url-rewrite: where blocked requests are redirected (required)
  --timeout MS                      longest wait for a decision (default 5000)
  --connections N                   connections to the ICAP service (default 4)
`;

export interface HelperIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Runs the helper until Squid closes its input. Returns the exit code. */
export async function squidHelperMain(
  argv: readonly string[],
  io: HelperIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        mode: { type: 'string', default: 'url-rewrite' },
        icap: { type: 'string', default: 'icap://127.0.0.1:1344/reqmod' },
        'block-page': { type: 'string' },
        timeout: { type: 'string', default: '5000' },
        connections: { type: 'string', default: '4' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.stderr.write(`haven squid helper: ${(error as Error).message}\n${SQUID_HELPER_USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.stderr.write(SQUID_HELPER_USAGE);
    return 0;
  }
  const mode = String(values.mode);
  if (mode !== 'url-rewrite' && mode !== 'external-acl') {
    io.stderr.write(`haven squid helper: --mode must be url-rewrite or external-acl\n`);
    return 2;
  }
  const blockPage = typeof values['block-page'] === 'string' ? values['block-page'] : undefined;
  if (mode === 'url-rewrite' && blockPage === undefined) {
    io.stderr.write('haven squid helper: url-rewrite needs --block-page URL\n');
    return 2;
  }
  const timeoutMs = Number(values.timeout);
  const connections = Number(values.connections);
  if (
    !Number.isInteger(timeoutMs) ||
    timeoutMs < 1 ||
    !Number.isInteger(connections) ||
    connections < 1
  ) {
    io.stderr.write('haven squid helper: --timeout and --connections must be positive integers\n');
    return 2;
  }
  let client: IcapClient;
  try {
    if (blockPage !== undefined) new URL(blockPage);
    client = new IcapClient({ url: String(values.icap), timeoutMs, connections });
  } catch (error) {
    io.stderr.write(`haven squid helper: ${(error as Error).message}\n`);
    return 2;
  }
  const log = (message: string): void => {
    io.stderr.write(`${message}\n`);
  };
  try {
    await runSquidHelper({
      input: io.stdin,
      output: io.stdout,
      mode: mode as HelperMode,
      decide: icapDecider(client, (error) =>
        log(`haven squid helper: ${error instanceof Error ? error.message : String(error)}`),
      ),
      ...(blockPage === undefined ? {} : { blockPageUrl: blockPage }),
      log,
    });
    return 0;
  } catch (error) {
    log(`haven squid helper: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    client.close();
  }
}

const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(invoked).href) {
  void squidHelperMain(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
