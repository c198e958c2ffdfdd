import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemActor } from '../../src/access/actor.ts';
import { importPeople, parsePeopleCsv } from '../../src/school/people-import.ts';
import { listUsers } from '../../src/store/user-repository.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, buildSchool } from '../support/factories.ts';

const csv = [
  'Forename,Surname,Username,Email,Year Group,Staff Role',
  'Amara,Okafor,aokafor,amara@school.example,Year 4,',
  'Ben,Lee,blee,,Reception,',
  'Chloe,Grant,cgrant,chloe@school.example,,Teaching Assistant',
  'Dev,Patel,dpatel,dev@school.example,,Designated Safeguarding Lead',
].join('\n');

function parsed(text: string) {
  const result = parsePeopleCsv(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.people;
}

eachDatabase('people import', (ctx) => {
  test('imports pupils into key stages and staff with roles; a second run changes nothing', async () => {
    const db = ctx.store.db;
    const school = await buildSchool(db);
    const input = {
      schoolId: school.id,
      actor: systemActor('test'),
      now: new Date(),
      source: 'test.csv',
    };
    const first = await importPeople(db, { ...input, people: parsed(csv) });
    assert.deepEqual(first, { created: 4, updated: 0, unchanged: 0 });
    const again = await importPeople(db, { ...input, people: parsed(csv) });
    assert.deepEqual(again, { created: 0, updated: 0, unchanged: 4 });

    const { users } = await listUsers(db, { schoolId: school.id, limit: 50, offset: 0 });
    const by = new Map(users.map((u) => [u.username, u]));
    assert.deepEqual(by.get('aokafor')?.groups, ['ks2']);
    assert.deepEqual(by.get('blee')?.groups, ['eyfs']);
    assert.deepEqual(by.get('cgrant')?.roles, ['staff']);
    assert.deepEqual(by.get('dpatel')?.roles.sort(), ['dsl', 'staff']);

    // Moving up a year group moves the pupil's key stage; a nominated group is kept.
    const moved = csv.replace(
      'Amara,Okafor,aokafor,amara@school.example,Year 4,',
      'Amara,Okafor,aokafor,amara@school.example,Year 7,',
    );
    const third = await importPeople(db, { ...input, people: parsed(moved) });
    assert.deepEqual(third, { created: 0, updated: 1, unchanged: 3 });
    const { users: after } = await listUsers(db, {
      schoolId: school.id,
      search: 'aokafor',
      limit: 5,
      offset: 0,
    });
    assert.deepEqual(after[0]?.groups, ['ks3']);
  });

  test('a username held in another school rejects the whole file', async () => {
    const db = ctx.store.db;
    const other = await buildSchool(db);
    await buildPerson(db, other, { username: 'taken' });
    const school = await buildSchool(db);
    const people = parsed(
      'name,username,year group\nNew Person,newbie,Year 2\nClash,taken,Year 3\n',
    );
    await assert.rejects(
      importPeople(db, {
        schoolId: school.id,
        people,
        actor: systemActor('test'),
        now: new Date(),
        source: 'x.csv',
      }),
      (error: Error & { errors?: { path: string }[] }) => error.errors?.[0]?.path === 'line 3',
    );
    const { total } = await listUsers(db, { schoolId: school.id, limit: 5, offset: 0 });
    assert.equal(total, 0, 'nothing from the file was imported');
  });
});
