import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { newEventId, type ActivityEvent } from '../../src/activity/activity-event.ts';
import { createAlertDelivery } from '../../src/activity/alerts/alert-delivery.ts';
import { createAlertPipeline } from '../../src/activity/alerts/alert-pipeline.ts';
import { setupDemoSchool } from '../../src/demo/demo-school.ts';
import { stringifyPhraseYaml, type PhraseDocument } from '../../src/policy/phrases/phrase-list.ts';
import { STARTER_PHRASE_DOCUMENT } from '../../src/policy/phrases/starter-lists.ts';
import { listAlerts } from '../../src/store/alert-repository.ts';
import { listAudit } from '../../src/store/audit-repository.ts';
import type { School } from '../../src/store/schema.ts';
import { eachDatabase } from '../support/each-database.ts';
import { frozenClock } from '../support/factories.ts';
import { signIn, testApp, type SignedInClient } from '../support/test-app.ts';

interface Active {
  id: string | null;
  number: number;
  starter: boolean;
  changeNote: string | null;
  createdBy: string | null;
  counts: Record<string, number>;
  document: PhraseDocument;
  summary?: string;
}

interface Problem {
  code: string;
  errors: { path: string; message: string }[];
}

/** The starter document with one more self-harm entry. */
function withExtraPhrase(phrase: string, weight: number): PhraseDocument {
  return {
    ...STARTER_PHRASE_DOCUMENT,
    version: STARTER_PHRASE_DOCUMENT.version + 1,
    lists: STARTER_PHRASE_DOCUMENT.lists.map((list) =>
      list.category === 'self-harm'
        ? { ...list, entries: [...list.entries, { phrase, weight, language: 'en' }] }
        : list,
    ),
  };
}

eachDatabase('phrase lists', (ctx) => {
  let app: FastifyInstance;
  let school: School;
  let dsl: SignedInClient;
  const clock = frozenClock('2026-11-23T10:00:00.000Z');

  before(async () => {
    ({ school } = await setupDemoSchool(ctx.store.db, new Date('2026-11-23T08:00:00Z')));
    app = await testApp(ctx.store, { clock: clock.now });
    dsl = await signIn(app, 'dsl', 'haven-demo');
  });
  after(async () => {
    await app.close();
  });

  const putYaml = (client: SignedInClient, yaml: string, note: string) =>
    app.inject({
      method: 'PUT',
      url: `/api/phrase-lists?changeNote=${encodeURIComponent(note)}`,
      headers: {
        cookie: client.cookie,
        'x-csrf-token': client.csrfToken,
        'content-type': 'text/yaml',
      },
      payload: yaml,
    });

  test('a school without its own lists reads the starter lists', async () => {
    const response = await dsl.request('GET', '/api/phrase-lists');
    assert.equal(response.statusCode, 200);
    const body = response.json<Active>();
    assert.equal(body.starter, true);
    assert.equal(body.number, 0);
    assert.equal(body.id, null);
    assert.deepEqual(body.document, STARTER_PHRASE_DOCUMENT);
    const selfHarm = STARTER_PHRASE_DOCUMENT.lists.find((l) => l.category === 'self-harm');
    assert.equal(body.counts['self-harm'], selfHarm?.entries.length);
    const versions = await dsl.request('GET', '/api/phrase-lists/versions');
    assert.deepEqual(versions.json(), { versions: [] });
  });

  test('a teacher may not read the lists; the head may read but not change them', async () => {
    const teacher = await signIn(app, 'teacher', 'haven-demo');
    assert.equal((await teacher.request('GET', '/api/phrase-lists')).statusCode, 403);
    assert.equal((await teacher.request('GET', '/api/phrase-lists/versions')).statusCode, 403);
    const put = await teacher.request('PUT', '/api/phrase-lists', {
      document: STARTER_PHRASE_DOCUMENT,
      changeNote: 'no',
    });
    assert.equal(put.statusCode, 403);
    const head = await signIn(app, 'head', 'haven-demo');
    assert.equal((await head.request('GET', '/api/phrase-lists')).statusCode, 200);
    const headPut = await head.request('PUT', '/api/phrase-lists', {
      document: STARTER_PHRASE_DOCUMENT,
      changeNote: 'no',
    });
    assert.equal(headPut.statusCode, 403);
  });

  test('a document with problems is refused with the path of every problem', async () => {
    const bad = {
      ...STARTER_PHRASE_DOCUMENT,
      lists: STARTER_PHRASE_DOCUMENT.lists.map((list, index) =>
        index === 0
          ? {
              ...list,
              entries: [
                { phrase: 'fine phrase', weight: 0, language: 'en' },
                { phrase: 'another', weight: 50, language: 'English' },
              ],
            }
          : list,
      ),
    };
    const response = await dsl.request('PUT', '/api/phrase-lists', {
      document: bad,
      changeNote: 'broken',
    });
    assert.equal(response.statusCode, 400);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    const problem = response.json<Problem>();
    assert.equal(problem.code, 'HAVEN_VALIDATION');
    const paths = problem.errors.map((e) => e.path);
    assert.ok(paths.includes('document.lists[0].entries[0].weight'), paths.join(', '));
    assert.ok(paths.includes('document.lists[0].entries[1].language'), paths.join(', '));
    const noNote = await dsl.request('PUT', '/api/phrase-lists', {
      document: STARTER_PHRASE_DOCUMENT,
      changeNote: ' ',
    });
    assert.equal(noNote.statusCode, 400);
    assert.equal((await dsl.request('GET', '/api/phrase-lists')).json<Active>().starter, true);
  });

  test('YAML with a problem is refused with its line numbers', async () => {
    const yaml = stringifyPhraseYaml(withExtraPhrase('sad words', 60)).replace(
      '{phrase: sad words, weight: 60, language: en}',
      '{phrase: sad words, weight: sixty, language: en}',
    );
    const line = yaml.split('\n').findIndex((l) => l.includes('weight: sixty')) + 1;
    assert.ok(line > 0);
    const response = await putYaml(dsl, yaml, 'from the file');
    assert.equal(response.statusCode, 400);
    const problem = response.json<Problem>();
    assert.equal(problem.code, 'HAVEN_VALIDATION');
    assert.ok(
      problem.errors.some((e) => e.path.startsWith(`line ${line},`) && e.path.includes('weight')),
      JSON.stringify(problem.errors),
    );
  });

  test('saving a version makes it active, audited, with its change note in the history', async () => {
    const response = await dsl.request('PUT', '/api/phrase-lists', {
      document: withExtraPhrase('no one would notice if i was gone', 120),
      changeNote: 'Words pupils at our school use',
    });
    assert.equal(response.statusCode, 200, response.body);
    const saved = response.json<Active>();
    assert.equal(saved.number, 1);
    assert.equal(saved.starter, false);
    assert.equal(saved.summary, '1 added');
    assert.equal(saved.document.version, STARTER_PHRASE_DOCUMENT.version + 1, 'saving raises it');
    assert.equal(saved.createdBy, 'Dana Shah');
    assert.ok(
      saved.document.lists
        .find((l) => l.category === 'self-harm')
        ?.entries.some((e) => e.phrase === 'no one would notice if i was gone'),
    );

    const yaml = stringifyPhraseYaml(withExtraPhrase('no one would notice if i was gone', 140));
    const second = await putYaml(dsl, yaml, 'Stronger weight');
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(second.json<Active>().number, 2);
    assert.equal(second.json<Active>().summary, '1 changed');

    const versions = (await dsl.request('GET', '/api/phrase-lists/versions')).json<{
      versions: { number: number; active: boolean; changeNote: string; createdBy: string }[];
    }>().versions;
    assert.deepEqual(
      versions.map((v) => [v.number, v.active, v.changeNote]),
      [
        [2, true, 'Stronger weight'],
        [1, false, 'Words pupils at our school use'],
      ],
    );
    assert.ok(versions.every((v) => typeof v.createdBy === 'string' && v.createdBy.length > 0));

    const exported = await dsl.request('GET', '/api/phrase-lists/export.yaml');
    assert.equal(exported.statusCode, 200);
    assert.match(String(exported.headers['content-type']), /text\/yaml/);
    assert.match(exported.body, /no one would notice if i was gone, weight: 140/);

    const saves = await listAudit(ctx.store.db, {
      schoolId: school.id,
      action: 'phrases.save',
      limit: 50,
    });
    assert.equal(saves.length, 2);
  });

  test('the alert pipeline scores with the school’s newly saved phrase', async () => {
    const delivery = createAlertDelivery({ publicUrl: 'http://haven.test' });
    const pupil = await ctx.store.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'pupil')
      .executeTakeFirstOrThrow();
    const searched = (terms: string): ActivityEvent => ({
      id: newEventId(),
      at: new Date('2026-11-23T10:00:00Z'),
      source: 'proxy',
      schoolId: school.id,
      userId: pupil.id,
      username: pupil.username,
      group: 'ks2',
      deviceClass: 'school-owned',
      clientIp: '10.0.20.15',
      method: 'GET',
      host: 'www.google.com',
      url: null,
      action: 'allow',
      category: 'search-engines',
      ruleId: 'default:allow',
      status: 200,
      bytesIn: 0,
      bytesOut: 0,
      durationMs: 1,
      searchTerms: terms,
    });
    const p = createAlertPipeline({
      db: ctx.store.db,
      delivery,
      clock: clock.now,
      phraseRefreshMs: 0,
    });
    const selfHarm = async () =>
      (await listAlerts(ctx.store.db, { schoolId: school.id, limit: 100 })).filter(
        (a) => a.category === 'self-harm',
      );
    p.emit(searched('zorblax flimwhistle'));
    await p.flush();
    assert.equal((await selfHarm()).length, 0, 'not a phrase yet');

    const response = await dsl.request('PUT', '/api/phrase-lists', {
      document: withExtraPhrase('zorblax flimwhistle', 150),
      changeNote: 'A local code word',
    });
    assert.equal(response.statusCode, 200, response.body);
    p.emit(searched('zorblax flimwhistle'));
    await p.flush();
    const alerts = await selfHarm();
    assert.equal(alerts.length, 1);
    assert.ok(alerts[0]?.matched_phrases.includes('zorblax flimwhistle'));
    await p.close();
    delivery.close();
  });
});
