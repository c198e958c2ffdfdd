import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * Squid with ssl-bump, started beside Haven for `haven bench proxy --inspect --squid PATH`.
 *
 * PATH is the `squid` binary of a Squid built with OpenSSL — Debian's `squid-openssl`, unpacked
 * with `dpkg -x` so that it does not replace the system's `squid` (docs/benchmarks.md says how).
 * Its tree gives the rest: `../lib/squid/security_file_certgen` and `unlinkd`, `../share/squid`
 * (MIME table, icons), `../share/squid-langpack/templates` (error pages) and the shared libraries unpacked beside it (`../lib/x86_64-linux-gnu`, put on
 * `LD_LIBRARY_PATH`); the system's paths are used where the tree has none.
 *
 * Everything else is made in a temporary folder: a bump CA (RSA 2048, by `openssl`), the
 * certificate generator's database (`security_file_certgen -c`), a hosts file naming every bench
 * host as 127.0.0.1 (the bench origin), and a configuration that bumps every CONNECT
 * (`ssl_bump peek step1`, `ssl_bump bump all`), trusts the origin's CA
 * (`tls_outgoing_options cafile=`), caches nothing and logs nothing — as Haven's bench proxy.
 */

export interface SquidBumpPeer {
  readonly name: string;
  readonly port: number;
  /** The bump CA the client must trust. */
  readonly caPem: string;
  readonly version: string;
  stop(): Promise<void>;
}

export interface SquidBumpOptions {
  /** The `squid` binary (of a build with OpenSSL). */
  readonly squid: string;
  /** The CA that signed the bench origin's certificate. */
  readonly originCaPem: string;
  /** Every host name the bench asks for: all are 127.0.0.1. */
  readonly hosts: readonly string[];
  readonly log?: (line: string) => void;
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolvePromise(`${stdout}${stderr}`);
    });
  });
}

function firstExisting(...paths: string[]): string | null {
  return paths.find((p) => existsSync(p)) ?? null;
}

async function waitForPort(port: number, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`squid exited (code ${child.exitCode})`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`squid did not listen on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/** Start Squid with ssl-bump (see the module comment); `stop()` ends it and removes its folder. */
export async function startSquidBump(options: SquidBumpOptions): Promise<SquidBumpPeer> {
  const squid = resolve(options.squid);
  if (!existsSync(squid)) throw new Error(`no squid binary at ${squid}`);
  const usr = dirname(dirname(squid)); // …/usr/sbin/squid → …/usr
  const libs = join(usr, 'lib', 'x86_64-linux-gnu');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  const certgen = firstExisting(
    join(usr, 'lib', 'squid', 'security_file_certgen'),
    '/usr/lib/squid/security_file_certgen',
  );
  if (certgen === null)
    throw new Error(`no security_file_certgen beside ${squid} (…/lib/squid/) or in /usr/lib/squid`);
  const share = firstExisting(join(usr, 'share', 'squid'), '/usr/share/squid');
  if (share === null) throw new Error(`no share/squid beside ${squid} (unpack squid-common)`);
  // Debian's share/squid/errors is a link to /usr/share/squid-langpack (squid-langpack).
  const errors = firstExisting(
    join(usr, 'share', 'squid-langpack', 'templates'),
    join(share, 'errors', 'templates'),
    '/usr/share/squid-langpack/templates',
  );
  if (errors === null)
    throw new Error(`no error page templates beside ${squid} (unpack squid-langpack)`);
  const about = await run(squid, ['-v'], env);
  const version = about.split('\n')[0] ?? 'Squid';
  if (!about.includes('--with-openssl'))
    throw new Error(`${squid} is built without OpenSSL: ssl-bump needs squid-openssl`);

  const dir = mkdtempSync(join(tmpdir(), 'haven-squid-bump-'));
  // Squid started as root works as the `proxy` user: let it use the folder.
  chmodSync(dir, 0o777);
  let child: ChildProcess | null = null;
  try {
    await run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'bump-ca.key'),
        '-out',
        join(dir, 'bump-ca.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=Squid bench bump CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      env,
    );
    chmodSync(join(dir, 'bump-ca.key'), 0o644);
    writeFileSync(join(dir, 'origin-ca.pem'), options.originCaPem, { mode: 0o644 });
    writeFileSync(
      join(dir, 'hosts'),
      `127.0.0.1 localhost\n${options.hosts.map((h) => `127.0.0.1 ${h}`).join('\n')}\n`,
      { mode: 0o644 },
    );
    const sslDb = join(dir, 'ssl_db');
    await run(certgen, ['-c', '-s', sslDb, '-M', '16MB'], env);
    await run('chmod', ['-R', 'a+rwX', sslDb], env);
    const port = await freePort();
    const conf = [
      `http_port 127.0.0.1:${port} ssl-bump tls-cert=${join(dir, 'bump-ca.pem')} tls-key=${join(dir, 'bump-ca.key')} generate-host-certificates=on dynamic_cert_mem_cache_size=16MB`,
      `sslcrtd_program ${certgen} -s ${sslDb} -M 16MB`,
      'sslcrtd_children 8 startup=2 idle=1',
      'acl step1 at_step SslBump1',
      'ssl_bump peek step1',
      'ssl_bump bump all',
      `tls_outgoing_options cafile=${join(dir, 'origin-ca.pem')}`,
      'http_access allow localhost',
      'http_access deny all',
      'cache deny all',
      'cache_mem 8 MB',
      'access_log none',
      `cache_log ${join(dir, 'cache.log')}`,
      `pid_filename ${join(dir, 'squid.pid')}`,
      `coredump_dir ${dir}`,
      `hosts_file ${join(dir, 'hosts')}`,
      'dns_nameservers 127.0.0.1',
      `mime_table ${join(share, 'mime.conf')}`,
      `error_directory ${errors}`,
      `icon_directory ${join(share, 'icons')}`,
      `unlinkd_program ${join(dirname(certgen), 'unlinkd')}`,
      'pinger_enable off',
      'netdb_filename none',
      'visible_hostname squid-bench',
      'shutdown_lifetime 0 seconds',
      'workers 1',
      '',
    ].join('\n');
    const confPath = join(dir, 'squid.conf');
    writeFileSync(confPath, conf, { mode: 0o644 });
    const started = spawn(squid, ['-N', '-f', confPath], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await waitForPort(port, started, 15_000);
    } catch (error) {
      throw new Error(
        `${(error as Error).message}: ${stderr.trim().split('\n').slice(-5).join(' / ')}`,
        { cause: error },
      );
    }
    options.log?.(`${version} with ssl-bump on 127.0.0.1:${port} (${dir})`);
    const caPem = readFileSync(join(dir, 'bump-ca.pem'), 'utf8');
    return {
      name: 'squid ssl-bump',
      port,
      caPem,
      version,
      stop: async () => {
        if (started.exitCode === null) {
          const exited = new Promise<void>((done) => started.once('exit', () => done()));
          started.kill('SIGTERM');
          const timer = setTimeout(() => started.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
