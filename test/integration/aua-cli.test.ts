import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { runCli } from '../support/run-cli.ts';
import { freshStore, testDatabases, type TestStore } from '../support/test-databases.ts';

/** `haven aua remind`: reminders by email through the alerts' SMTP server; bad input exits 1. */
for (const kind of testDatabases()) {
  describe(`haven aua remind [${kind}]`, () => {
    let store: TestStore;
    let env: Record<string, string>;
    let smtp: SMTPServer;
    const mails: { to: string[]; body: string }[] = [];
    const scratch = mkdtempSync(join(tmpdir(), 'haven-aua-cli-'));

    before(async () => {
      store = await freshStore(kind);
      await setupDemoSchool(store.db, new Date());
      await store.close();
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, session, callback) {
          let body = '';
          stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
          stream.on('end', () => {
            mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
            callback();
          });
        },
      });
      await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
      const port = (smtp.server.address() as AddressInfo).port;
      const config = join(scratch, 'haven.yaml');
      writeFileSync(
        config,
        [
          'publicUrl: https://haven.roundwood.example',
          'alerts:',
          '  smtp:',
          '    host: 127.0.0.1',
          `    port: ${port}`,
          '',
        ].join('\n'),
      );
      env = {
        HAVEN_CONFIG: config,
        ...(kind === 'pglite'
          ? { HAVEN_DATA: store.where, DATABASE_URL: '' }
          : { DATABASE_URL: store.url ?? '' }),
      };
    });
    after(async () => {
      await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
      await store.dispose().catch(() => undefined);
      rmSync(scratch, { recursive: true, force: true });
    });

    test('emails each parent who has not signed, with the link to sign', async () => {
      const result = await runCli(['aua', 'remind', '--audience', 'parent'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /1 not signed: 1 emailed, 0 without an email address, 0 failed/);
      assert.equal(mails.length, 1);
      assert.deepEqual(mails[0]?.to, ['parent@roundwood-demo.invalid']);
      assert.match(mails[0]?.body ?? '', /https:\/\/haven\.roundwood\.example\/aua\/sign/);
    });

    test('an unknown audience or school is refused, and nothing is sent', async () => {
      const before = mails.length;
      const audience = await runCli(['aua', 'remind', '--audience', 'governors'], env);
      assert.equal(audience.code, 1);
      assert.match(audience.stderr, /--audience: "governors" is not an audience; use one of/);
      const school = await runCli(['aua', 'remind', '--school', 'nowhere'], env);
      assert.equal(school.code, 1);
      assert.match(school.stderr, /--school: no school "nowhere"/);
      assert.equal(mails.length, before);
    });

    test('without alerts.smtp it says how to set up email', async () => {
      const noMail = await runCli(['aua', 'remind'], { ...env, HAVEN_CONFIG: '' });
      assert.equal(noMail.code, 1);
      assert.match(noMail.stderr, /set alerts\.smtp in haven\.yaml/);
    });
  });
}
