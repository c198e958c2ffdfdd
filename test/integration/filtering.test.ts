import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Kysely } from 'kysely';
import { systemActor } from '../../src/access/actor.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { decideForGroups } from '../../src/filtering/decide.ts';
import { addLocalEntry } from '../../src/filtering/local-entries.ts';
import { SnapshotCache, type SchoolSnapshot } from '../../src/filtering/snapshot-loader.ts';
import type { ListError } from '../../src/policy/lists/list-parser.ts';
import { listFilterChanges } from '../../src/store/filter-change-repository.ts';
import { listActiveBlockLists } from '../../src/store/block-list-repository.ts';
import type { Database, School } from '../../src/store/schema.ts';
import { importLines, importUt1 } from '../support/blocklists.ts';
import { eachDatabase } from '../support/each-database.ts';

// Monday 23 November 2026 in London (GMT): 10:00 is a lesson, 12:30 is lunch.
const lessonTime = new Date('2026-11-23T10:00:00Z');
const lunchTime = new Date('2026-11-23T12:30:00Z');
const allGroups = ['eyfs', 'ks1', 'ks2', 'ks3', 'ks4', 'sixth-form', 'staff', 'visitors', 'guests'];

eachDatabase('the demo school with the UT1 lists', (ctx) => {
  let school: School;
  let db: Kysely<Database>;
  let cache: SnapshotCache;
  const badLines: ListError[] = [];
  const snapshot = (): Promise<SchoolSnapshot> => cache.school(school.id);
  const decide = async (groups: string[], destination: string, at = lessonTime) =>
    decideForGroups(await snapshot(), groups, destination, at);

  before(async () => {
    db = ctx.store.db;
    school = (await setupDemoSchool(db, new Date())).school;
    await importUt1(
      db,
      [
        'gambling',
        'games',
        'educational_games',
        'adult',
        'redirector',
        'vpn',
        'drogue',
        'agressif',
      ],
      badLines,
    );
    // IWF-style entries: a whole host and one URL on an otherwise allowed host. Never real addresses.
    await importLines(db, 'iwf-test', 'child-abuse', [
      'iwf-listed.test',
      'allowed-host.test/listed/page',
    ]);
    cache = new SnapshotCache(db, () => new Date());
  });

  test('the lists are stored with their counts and the change log records them', async () => {
    const lists = await listActiveBlockLists(db);
    const gambling = lists.find((l) => l.name === 'ut1/gambling');
    assert.ok(gambling && gambling.host_entries > 30_000);
    assert.equal(gambling.category, 'gambling');
    assert.equal(
      lists.find((l) => l.name === 'ut1/drogue')?.category,
      'drugs',
      'French UT1 names are mapped',
    );
    const changes = await listFilterChanges(db, school.id, 100);
    assert.ok(changes.some((c) => c.kind === 'list.added' && c.summary.includes('ut1/gambling')));
  });

  test('a gambling domain is blocked for ks2, with the rule and the reason', async () => {
    const decision = await decide(['ks2'], 'bet365.com');
    assert.equal(decision.action, 'block');
    assert.equal(decision.category, 'gambling');
    assert.equal(decision.ruleId, 'matrix:gambling:ks2');
    assert.match(decision.reason, /Gambling/);
    assert.equal(decision.list?.name, 'ut1/gambling');
  });

  test('an educational game is allowed; a non-educational one only in its time band', async () => {
    assert.equal((await decide(['ks2'], 'primarygames.com')).action, 'allow');
    const inLesson = await decide(['ks2'], 'friv.com', lessonTime);
    assert.equal(inLesson.action, 'block');
    assert.equal(inLesson.category, 'online-gaming');
    assert.ok(inLesson.band?.next, 'says when it would be allowed');
    const atLunch = await decide(['ks2'], 'friv.com', lunchTime);
    assert.equal(atLunch.action, 'allow');
    assert.equal(atLunch.band?.id, 'lunch');
  });

  test('a safeguarding checker can open a pornography-listed domain, and the visit is flagged', async () => {
    const entry = 'snapcoquin.blogspot.com.mt';
    const checker = await decide(['staff', 'safeguarding-checkers'], `http://${entry}/`);
    assert.equal(checker.action, 'allow-with-alert');
    assert.equal(checker.category, 'pornography');
    assert.equal((await decide(['staff'], `http://${entry}/`)).action, 'block');
    assert.equal(
      (await decide(['ks2', 'safeguarding-checkers'], `http://${entry}/`)).action,
      'block',
      'pupils are never nominated',
    );
  });

  test('nothing lets anyone reach an illegal-listed entry', async () => {
    // A local allow entry for everyone, and one per group, must not lift it.
    const actor = systemActor('test');
    await addLocalEntry(
      db,
      {
        schoolId: school.id,
        action: 'allow',
        target: 'iwf-listed.test',
        groups: [],
        category: null,
        reason: 'attempt to lift',
      },
      { actor, now: new Date() },
    );
    await addLocalEntry(
      db,
      {
        schoolId: school.id,
        action: 'allow',
        target: 'allowed-host.test/listed',
        groups: ['staff'],
        category: null,
        reason: 'attempt to lift',
      },
      { actor, now: new Date() },
    );
    cache.invalidateSchool(school.id);
    const times = [lessonTime, lunchTime, new Date('2026-11-28T20:00:00Z')];
    const groupSets = [
      ...allGroups.map((g) => [g]),
      ['staff', 'safeguarding-checkers'],
      ['safeguarding-checkers'],
      [],
    ];
    for (const at of times) {
      for (const groups of groupSets) {
        for (const destination of [
          'iwf-listed.test',
          'http://www.iwf-listed.test/any',
          'https://allowed-host.test/listed/page?x=1',
        ]) {
          const decision = await decide(groups, destination, at);
          assert.equal(
            decision.action,
            'block',
            `${groups.join('+')} ${destination} ${at.toISOString()}`,
          );
          assert.equal(decision.category, 'child-abuse');
          assert.equal(decision.ruleId, 'illegal:child-abuse');
        }
      }
    }
    // The rest of the host with the URL-level entry still loads.
    assert.equal((await decide(['ks2'], 'https://allowed-host.test/other/page')).action, 'allow');
  });

  test('help services win over every inappropriate category for pupils; illegal still wins', async () => {
    await importLines(db, 'wrongly-listed', 'gambling', [
      'childline.org.uk',
      'samaritans.org',
      'www.nhs.uk',
    ]);
    cache.invalidateLists();
    for (const g of ['eyfs', 'ks1', 'ks2', 'ks3', 'ks4', 'sixth-form']) {
      const decision = await decide([g], 'https://www.childline.org.uk/get-support/');
      assert.equal(decision.action, 'allow', g);
      assert.match(decision.ruleId, /^help:/);
    }
    await importLines(db, 'iwf-test-2', 'child-abuse', ['evil.childline.org.uk']);
    cache.invalidateLists();
    assert.equal((await decide(['ks2'], 'evil.childline.org.uk')).action, 'block');
  });

  test('a list update swaps in whole; an identical re-import changes nothing', async () => {
    const first = await importLines(db, 'local-test', 'gambling', ['one.test', 'two.test']);
    assert.equal(first.replaced, false);
    const same = await importLines(db, 'local-test', 'gambling', ['two.test', 'one.test'].sort());
    assert.equal(same.unchanged, true);
    const second = await importLines(db, 'local-test', 'gambling', ['three.test']);
    assert.equal(second.replaced, true);
    cache.invalidateLists();
    assert.equal((await decide(['ks2'], 'one.test')).action, 'allow');
    assert.equal((await decide(['ks2'], 'three.test')).action, 'block');
  });

  test('a list with bad lines keeps the good ones and names each bad line', async () => {
    const result = await importLines(db, 'messy', 'drugs', [
      'good.test',
      'not a domain!',
      '',
      '# comment',
      'also-good.test',
      'bad..dots',
    ]);
    assert.equal(result.hostEntries, 2);
    assert.equal(result.badLines, 2);
  });
});
