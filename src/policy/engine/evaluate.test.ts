import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, RulesError } from './compile.ts';
import { evaluate } from './evaluate.ts';
import type { Decision, EngineRequest } from './decision.ts';
import { ListIndexBuilder } from './list-index.ts';
import type { ListIndex } from './list-index.ts';
import type { Exemption, LocalEntry, Rules } from './rules.ts';
import { HELP_NEVER_BLOCKED } from './help-list.ts';
import { AT, buildRules, TEST_RULES } from './rules.test-data.ts';

function lists(): ListIndex {
  const b = new ListIndexBuilder();
  const host = (h: string, category: string, list: string) =>
    assert.ok(b.addHost(h, category, list), h);
  const url = (u: string, category: string, list: string) =>
    assert.ok(b.addUrl(u, category, list), u);
  host('csam.example', 'child-abuse', 'iwf');
  url('images.example/abuse/1', 'child-abuse', 'iwf');
  host('terror.example', 'terrorism', 'ctiru');
  host('bet.example', 'gambling', 'ut1/gambling');
  host('porn.example', 'pornography', 'ut1/adult');
  host('both.example', 'gambling', 'ut1/gambling');
  host('both.example', 'pornography', 'ut1/adult');
  host('social.example', 'social-media', 'ut1/social_networks');
  host('socialbet.example', 'social-media', 'ut1/social_networks');
  host('socialbet.example', 'gambling', 'ut1/gambling');
  host('allowlisted.example', 'allow-list', 'ut1/liste_blanche');
  host('porn-and-allow.example', 'pornography', 'ut1/adult');
  host('porn-and-allow.example', 'allow-list', 'ut1/liste_blanche');
  host('sexed.example', 'pornography', 'ut1/adult');
  host('sexed.example', 'sex-education', 'ut1/sexual_education');
  host('blogs.example', 'allow-list', 'ut1/liste_blanche');
  host('bad.blogs.example', 'pornography', 'ut1/adult');
  host('youtube.example', 'video-broadcasting', 'ut1/audio-video');
  url('youtube.example/watch?v=bad', 'pornography', 'ut1/adult');
  host('selfharm.example', 'self-harm', 'local-list');
  host('forum.example', 'forums', 'ut1/forums');
  host('game.example', 'online-gaming', 'ut1/games');
  host('porn-allowed-locally.example', 'pornography', 'ut1/adult');
  host('bücher.example', 'shopping', 'local-list');
  // help services that a list puts in a category
  host('childline.org.uk', 'pornography', 'ut1/adult');
  host('begambleaware.org', 'gambling', 'ut1/gambling');
  host('bad.childline.org.uk', 'child-abuse', 'iwf');
  return b.build();
}

const LISTS = lists();

const EXEMPTIONS: readonly Exemption[] = [
  {
    id: 'lesson-1',
    groups: ['ks3'],
    target: { host: 'bet.example' },
    from: '2026-06-17T08:00:00Z',
    until: '2026-06-17T09:00:00Z',
    reason: 'Year 9 maths: probability and gambling harms',
  },
  {
    id: 'social-ks4',
    groups: ['ks4'],
    target: { category: 'social-media' },
    from: '2026-06-17T00:00:00Z',
    until: '2026-06-18T00:00:00Z',
    reason: 'Media studies',
  },
  {
    id: 'expired',
    groups: ['ks2'],
    target: { host: 'social.example' },
    from: '2026-06-10T08:00:00Z',
    until: '2026-06-10T09:00:00Z',
    reason: 'last week',
  },
  {
    id: 'one-user',
    groups: ['ks2'],
    users: ['pupil-7'],
    target: { url: 'porn.example/biology' },
    from: '2026-06-17T00:00:00Z',
    until: '2026-06-18T00:00:00Z',
    reason: 'a named pupil',
  },
];

const LOCAL: readonly LocalEntry[] = [
  {
    id: 'allow-locally',
    action: 'allow',
    target: { host: 'porn-allowed-locally.example' },
    groups: ['ks4'],
    reason: 'Art history: classical nudes (approved).',
  },
  { id: 'no-games', action: 'block', target: { host: 'games.example' } },
  { id: 'yt', action: 'allow', target: { host: 'youtube.example' } },
  { id: 'block-childline', action: 'block', target: { host: 'childline.org.uk' } },
  {
    id: 'block-social-url',
    action: 'block',
    target: { url: 'social.example/live' },
    category: 'social-media',
  },
];

const RULES: Rules = buildRules({
  exemptions: EXEMPTIONS,
  localEntries: LOCAL,
  flagCategories: ['forums'],
});
const SNAPSHOT = compile(RULES, LISTS, { classifier: null });

function decide(
  groups: readonly string[],
  target: string,
  at: Date = AT.lessons,
  user?: string,
): Decision {
  const request: EngineRequest = target.includes('/')
    ? { groups, url: `http://${target}`, user }
    : { groups, host: target, user };
  return evaluate(SNAPSHOT, request, at);
}

/**
 * The precedence table, as decisions: illegal > help > exemption > local entry > nominated user >
 * time band > group level > default; URL entries beat host entries; the most specific host wins.
 */
const TABLE: readonly [string, readonly string[], string, Date, Decision['action'], string][] = [
  // 1. illegal beats everything
  [
    'illegal host',
    ['staff', 'safeguarding-checkers'],
    'csam.example',
    AT.lessons,
    'block',
    'illegal:child-abuse',
  ],
  ['illegal subdomain', ['ks2'], 'www.csam.example', AT.lessons, 'block', 'illegal:child-abuse'],
  [
    'illegal URL entry',
    ['staff'],
    'images.example/abuse/1',
    AT.lessons,
    'block',
    'illegal:child-abuse',
  ],
  [
    'URL entry does not cover the rest of the host',
    ['staff'],
    'images.example/other',
    AT.lessons,
    'allow',
    'default',
  ],
  ['terrorism', ['sixth-form'], 'terror.example', AT.lunch, 'block', 'illegal:terrorism'],
  [
    'illegal beats help',
    ['ks2'],
    'bad.childline.org.uk',
    AT.lessons,
    'block',
    'illegal:child-abuse',
  ],
  // 2. help is never blocked
  [
    'help beats a list category',
    ['ks2'],
    'childline.org.uk',
    AT.lessons,
    'allow',
    'help:childline',
  ],
  [
    'help beats a local block',
    ['ks1'],
    'www.childline.org.uk',
    AT.lessons,
    'allow',
    'help:childline',
  ],
  ['help in the walled garden', ['eyfs'], 'nspcc.org.uk', AT.lessons, 'allow', 'help:nspcc'],
  ['gambling help', ['ks3'], 'begambleaware.org', AT.lessons, 'allow', 'help:begambleaware'],
  [
    "the school's own site",
    ['eyfs'],
    'roundwood.sch.uk',
    AT.night,
    'allow',
    'help:school:roundwood.sch.uk',
  ],
  // 3. exemptions
  [
    'host exemption, in its window',
    ['ks3'],
    'bet.example',
    AT.lessons,
    'allow',
    'exemption:lesson-1',
  ],
  [
    'host exemption, after its window',
    ['ks3'],
    'bet.example',
    AT.lunch,
    'block',
    'matrix:gambling:ks3',
  ],
  [
    'exemption for another group',
    ['ks2'],
    'bet.example',
    AT.lessons,
    'block',
    'matrix:gambling:ks2',
  ],
  [
    'category exemption beats the time band',
    ['ks4'],
    'social.example',
    AT.lessons,
    'allow',
    'exemption:social-ks4',
  ],
  ['expired exemption', ['ks2'], 'social.example', AT.lessons, 'block', 'matrix:social-media:ks2'],
  [
    'exemption for a named user',
    ['ks2'],
    'porn.example/biology',
    AT.lessons,
    'block',
    'matrix:pornography:ks2',
  ],
  // 4. local entries
  [
    'local allow for the group',
    ['ks4'],
    'porn-allowed-locally.example',
    AT.lessons,
    'allow',
    'local-allow:allow-locally',
  ],
  [
    'local allow is not for other groups',
    ['ks3'],
    'porn-allowed-locally.example',
    AT.lessons,
    'block',
    'matrix:pornography:ks3',
  ],
  [
    'local block on an uncategorised site',
    ['staff'],
    'games.example',
    AT.lessons,
    'block',
    'local-block:no-games',
  ],
  [
    'a more specific URL entry beats a local host allow',
    ['ks2'],
    'youtube.example/watch?v=bad',
    AT.lessons,
    'block',
    'matrix:pornography:ks2',
  ],
  [
    'local host allow elsewhere on the host',
    ['ks2'],
    'youtube.example/watch?v=good',
    AT.lessons,
    'allow',
    'local-allow:yt',
  ],
  [
    'local URL block beats a host entry',
    ['sixth-form'],
    'social.example/live/now',
    AT.lunch,
    'block',
    'local-block:block-social-url',
  ],
  [
    'category exemption lifts a local block of that category',
    ['ks4'],
    'social.example/live',
    AT.lessons,
    'allow',
    'exemption:social-ks4',
  ],
  // 5. nominated users
  [
    'nominated user: allowed with an alert',
    ['staff', 'safeguarding-checkers'],
    'porn.example',
    AT.lessons,
    'allow-with-alert',
    'nominated:pornography:safeguarding-checkers',
  ],
  [
    'staff who are not nominated',
    ['staff'],
    'porn.example',
    AT.lessons,
    'block',
    'matrix:pornography:staff',
  ],
  [
    'a pupil in a nominated group is still a pupil',
    ['ks4', 'safeguarding-checkers'],
    'porn.example',
    AT.lessons,
    'block',
    'matrix:pornography:ks4',
  ],
  // 6. time bands
  [
    'time band open',
    ['sixth-form'],
    'social.example',
    AT.lunch,
    'allow',
    'band:social-media:sixth-form:lunch',
  ],
  ['time band closed', ['ks3'], 'social.example', AT.lessons, 'block', 'band:social-media:ks3'],
  [
    'time band at the weekend',
    ['sixth-form'],
    'social.example',
    AT.saturday,
    'block',
    'band:social-media:sixth-form',
  ],
  [
    'after-school gaming',
    ['ks3'],
    'game.example',
    AT.afterSchool,
    'allow',
    'band:online-gaming:ks3:after-school',
  ],
  // 7. group level (the matrix) and flags
  ['matrix: gambling for KS2', ['ks2'], 'bet.example', AT.lessons, 'block', 'matrix:gambling:ks2'],
  [
    'matrix: social media for staff',
    ['staff'],
    'social.example',
    AT.lessons,
    'allow',
    'matrix:social-media:staff',
  ],
  [
    'group default cell (visitors)',
    ['visitors'],
    'forum.example',
    AT.lessons,
    'block',
    'default:forums:visitors',
  ],
  [
    'flag category: allowed with an alert',
    ['ks2'],
    'forum.example',
    AT.lessons,
    'allow-with-alert',
    'flag:forums:ks2',
  ],
  // several categories on one entry: the most restrictive wins
  ['two blocking categories', ['ks2'], 'both.example', AT.lessons, 'block', 'matrix:gambling:ks2'],
  [
    'allowed by one category, blocked by the other',
    ['sixth-form'],
    'socialbet.example',
    AT.lunch,
    'block',
    'matrix:gambling:sixth-form',
  ],
  // allow-type lists and specificity
  [
    'allow-type list beats a block list on the same entry',
    ['ks2'],
    'porn-and-allow.example',
    AT.lessons,
    'allow',
    'default:allow-list:ks2',
  ],
  [
    'allow-type category blocked by the matrix',
    ['ks1'],
    'sexed.example',
    AT.lessons,
    'block',
    'matrix:sex-education:ks1',
  ],
  [
    'allow-type category allowed',
    ['ks3'],
    'sexed.example',
    AT.lessons,
    'allow',
    'default:sex-education:ks3',
  ],
  [
    'a more specific block entry beats an allow-type parent',
    ['ks4'],
    'x.bad.blogs.example',
    AT.lessons,
    'block',
    'matrix:pornography:ks4',
  ],
  [
    'the allow-type parent elsewhere',
    ['ks4'],
    'good.blogs.example',
    AT.lessons,
    'allow',
    'default:allow-list:ks4',
  ],
  [
    'URL entry beats host entry',
    ['staff'],
    'youtube.example/watch?v=bad&t=3',
    AT.lessons,
    'block',
    'matrix:pornography:staff',
  ],
  // 8. default
  ['uncategorised', ['ks2'], 'unknown.example', AT.lessons, 'allow', 'default'],
  ['walled garden', ['eyfs'], 'unknown.example', AT.lessons, 'block', 'default:uncategorised:eyfs'],
  [
    'walled garden allows allow-type lists',
    ['eyfs'],
    'allowlisted.example',
    AT.lessons,
    'allow',
    'default:allow-list:eyfs',
  ],
  [
    'unknown group: the fallback group (guests)',
    ['no-such-group'],
    'social.example',
    AT.lunch,
    'block',
    'matrix:social-media:guests',
  ],
  ['no group at all', [], 'bet.example', AT.lunch, 'block', 'matrix:gambling:guests'],
];

for (const [name, groups, target, at, action, ruleId] of TABLE) {
  test(`precedence: ${name}`, () => {
    const d = decide(groups, target, at);
    assert.equal(d.action, action, JSON.stringify(d));
    assert.equal(d.ruleId, ruleId, JSON.stringify(d));
  });
}

test('a decision explains itself: category, list entry, level, group, reason', () => {
  const d = decide(['ks2'], 'www.bet.example');
  assert.deepEqual(d, {
    action: 'block',
    ruleId: 'matrix:gambling:ks2',
    category: 'gambling',
    categories: ['gambling'],
    list: { kind: 'host', name: 'ut1/gambling', entry: 'bet.example' },
    confidence: 1,
    level: 'unacceptable',
    group: 'ks2',
    band: null,
    reason: 'Gambling sites are not allowed for Key Stage 2.',
    host: 'www.bet.example',
  });
  const url = decide(['staff'], 'youtube.example/watch?v=bad');
  assert.deepEqual(url.list, {
    kind: 'url',
    name: 'ut1/adult',
    entry: 'youtube.example/watch?v=bad',
  });
  assert.deepEqual(decide(['ks2'], 'both.example').categories, ['gambling', 'pornography']);
});

test('a time-band block says when the site opens next, in local time', () => {
  const d = decide(['sixth-form'], 'social.example', AT.lessons);
  assert.equal(d.level, 'acceptable-at-certain-times');
  assert.deepEqual(d.band, {
    id: 'break',
    label: 'break',
    hours: '10:30–10:45',
    active: false,
    next: { date: '2026-06-17', weekday: 'Wednesday', time: '10:30' },
  });
  const friday = evaluate(
    SNAPSHOT,
    { groups: ['ks3'], host: 'social.example' },
    new Date('2026-06-19T17:00:00Z'),
  );
  assert.deepEqual(friday.band?.next, { date: '2026-06-22', weekday: 'Monday', time: '12:15' });
  const open = decide(['ks3'], 'social.example', AT.lunch);
  assert.equal(open.band?.active, true);
  assert.match(open.reason, /during lunch \(12:15–13:15\)/);
});

test('an exemption for a named user applies to that user only', () => {
  assert.equal(
    decide(['ks2'], 'porn.example/biology/cells', AT.lessons, 'pupil-7').ruleId,
    'exemption:one-user',
  );
  assert.equal(
    decide(['ks2'], 'porn.example/biology/cells', AT.lessons, 'pupil-8').action,
    'block',
  );
  assert.equal(
    decide(['ks2'], 'porn.example', AT.lessons, 'pupil-7').action,
    'block',
    'host-only requests are not covered by a URL exemption',
  );
});

test('host names are normalised: case, trailing dot, port, IDN; unreadable targets are blocked', () => {
  assert.equal(decide(['ks2'], 'BET.Example.').ruleId, 'matrix:gambling:ks2');
  const idn = evaluate(SNAPSHOT, { groups: ['ks2'], host: 'WWW.BÜCHER.example' }, AT.lessons);
  assert.deepEqual(
    [idn.category, idn.host, idn.list?.entry],
    ['shopping', 'www.xn--bcher-kva.example', 'xn--bcher-kva.example'],
  );
  assert.equal(
    evaluate(SNAPSHOT, { groups: ['ks2'], host: 'bet.example:443' }, AT.lessons).ruleId,
    'matrix:gambling:ks2',
  );
  assert.equal(
    evaluate(SNAPSHOT, { groups: ['ks2'], url: 'HTTPS://user@Bet.Example:8443/x' }, AT.lessons)
      .ruleId,
    'matrix:gambling:ks2',
  );
  const bad = evaluate(SNAPSHOT, { groups: ['ks2'], host: '' }, AT.lessons);
  assert.equal(bad.action, 'block');
  assert.equal(bad.ruleId, 'invalid');
});

test('no setting, exemption, nominated group, time band, local allow or help entry lifts an illegal category', () => {
  const everyone = TEST_RULES.groups.map((g) => g.id);
  const columns = TEST_RULES.groups.filter((g) => g.kind !== 'nominated').map((g) => g.id);
  const liftingCells = columns.flatMap((group) => [
    { category: 'child-abuse', group, level: 'acceptable' as const },
    {
      category: 'terrorism',
      group,
      level: 'acceptable-for-nominated-users' as const,
      nominatedGroups: ['safeguarding-checkers'],
    },
  ]);
  const alwaysBand = {
    id: 'always',
    label: 'always',
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const,
    ranges: [{ from: '00:00', to: '24:00' }],
  };
  const rules = buildRules({
    // the rules try to call the illegal categories something else
    categories: TEST_RULES.categories.map((c) =>
      c.id === 'child-abuse' || c.id === 'terrorism' ? { ...c, legal: 'neutral' as const } : c,
    ),
    bands: [...TEST_RULES.bands, { ...alwaysBand, days: [...alwaysBand.days] }],
    matrix: [
      ...liftingCells,
      ...columns.map((group) => ({
        category: 'child-abuse',
        group: `${group}`,
        level: 'acceptable-at-certain-times' as const,
        bands: ['always'],
      })),
      ...TEST_RULES.matrix.filter(
        (m) => m.category !== 'child-abuse' && m.category !== 'terrorism',
      ),
    ],
    defaultCell: { level: 'acceptable' },
    exemptions: [
      {
        id: 'x-host',
        groups: everyone,
        target: { host: 'csam.example' },
        from: '2000-01-01T00:00:00Z',
        until: '2100-01-01T00:00:00Z',
        reason: 'try',
      },
      {
        id: 'x-url',
        groups: everyone,
        target: { url: 'images.example/abuse' },
        from: '2000-01-01T00:00:00Z',
        until: '2100-01-01T00:00:00Z',
        reason: 'try',
      },
      {
        id: 'x-cat',
        groups: everyone,
        target: { category: 'child-abuse' },
        from: '2000-01-01T00:00:00Z',
        until: '2100-01-01T00:00:00Z',
        reason: 'try',
      },
      {
        id: 'x-terror',
        groups: everyone,
        target: { category: 'terrorism' },
        from: '2000-01-01T00:00:00Z',
        until: '2100-01-01T00:00:00Z',
        reason: 'try',
      },
    ],
    localEntries: [
      { id: 'l-host', action: 'allow', target: { host: 'csam.example' } },
      { id: 'l-sub', action: 'allow', target: { host: 'www.csam.example' } },
      { id: 'l-url', action: 'allow', target: { url: 'images.example/abuse/1' } },
      { id: 'l-terror', action: 'allow', target: { host: 'terror.example' } },
    ],
    flagCategories: ['child-abuse', 'terrorism'],
    help: [
      { id: 'fake-help', host: 'csam.example', label: 'Not help', reason: 'try' },
      { id: 'fake-help-2', host: 'terror.example', label: 'Not help', reason: 'try' },
    ],
    schoolSites: ['images.example', 'csam.example'],
  });
  const snapshot = compile(rules, LISTS, { classifier: null });
  assert.ok(snapshot.warnings.some((w) => w.includes('x-cat') && w.includes('never be exempted')));
  assert.ok(snapshot.warnings.some((w) => w.includes('always illegal')));
  const targets: [string, string][] = [
    ['csam.example', 'illegal:child-abuse'],
    ['www.csam.example', 'illegal:child-abuse'],
    ['http://images.example/abuse/1', 'illegal:child-abuse'],
    ['http://images.example/abuse/1/more?x=1', 'illegal:child-abuse'],
    ['terror.example', 'illegal:terrorism'],
    ['a.b.terror.example', 'illegal:terrorism'],
    ['bad.childline.org.uk', 'illegal:child-abuse'],
  ];
  const groupSets = [
    ...columns.map((g) => [g]),
    ['staff', 'safeguarding-checkers'],
    [],
    ['safeguarding-checkers'],
  ];
  for (const at of Object.values(AT)) {
    for (const groups of groupSets) {
      for (const [target, ruleId] of targets) {
        const request: EngineRequest = target.startsWith('http')
          ? { groups, url: target, user: 'dsl' }
          : { groups, host: target, user: 'dsl' };
        const d = evaluate(snapshot, request, at);
        assert.equal(
          d.action,
          'block',
          `${target} for ${groups.join('+')} at ${at.toISOString()}: ${d.ruleId}`,
        );
        assert.equal(d.ruleId, ruleId);
        assert.equal(d.level, 'unacceptable-and-illegal');
      }
    }
  }
  // a local block entry with an illegal category is illegal too (a URL the school reports)
  const reported = compile(
    buildRules({
      localEntries: [
        {
          id: 'reported',
          action: 'block',
          target: { url: 'found.example/img' },
          category: 'child-abuse',
        },
      ],
      help: [{ id: 'h', host: 'found.example', label: 'x', reason: 'x' }],
    }),
    LISTS,
    { classifier: null },
  );
  assert.equal(
    evaluate(reported, { groups: ['staff'], url: 'http://found.example/img' }, AT.lessons).ruleId,
    'illegal:child-abuse',
  );
  // "unacceptable and illegal" in the matrix makes a category illegal for everyone
  const extreme = compile(
    TEST_RULES,
    (() => {
      const b = new ListIndexBuilder();
      b.addHost('extreme.example', 'extreme-pornography', 'local');
      return b.build();
    })(),
    { classifier: null },
  );
  assert.equal(
    evaluate(
      extreme,
      { groups: ['staff', 'safeguarding-checkers'], host: 'extreme.example' },
      AT.lessons,
    ).ruleId,
    'illegal:extreme-pornography',
  );
});

test('every help-never-blocked entry stays open to every pupil group even when a list blocks it', () => {
  const b = new ListIndexBuilder();
  const categories = ['pornography', 'gambling', 'drugs', 'self-harm', 'hate'];
  HELP_NEVER_BLOCKED.forEach((h, i) => {
    const category = categories[i % categories.length] ?? 'pornography';
    b.addHost(h.host, category, 'test');
    if (h.path !== undefined) b.addUrl(`${h.host}${h.path}`, category, 'test');
  });
  b.addUrl('nhs.uk/iwf-listed-page', 'child-abuse', 'iwf');
  const snapshot = compile(TEST_RULES, b.build(), { classifier: null });
  for (const h of HELP_NEVER_BLOCKED) {
    for (const group of ['eyfs', 'ks1', 'ks2', 'ks3', 'ks4', 'sixth-form']) {
      const request: EngineRequest =
        h.path === undefined
          ? { groups: [group], host: `www.${h.host}` }
          : { groups: [group], url: `https://www.${h.host}${h.path}/page` };
      const d = evaluate(snapshot, request, AT.lessons);
      assert.equal(d.action, 'allow', `${h.id} for ${group}: ${d.ruleId}`);
      assert.equal(d.ruleId, `help:${h.id}`);
    }
    assert.ok(h.reason.length > 10 && !h.reason.includes('\n'), `${h.id} needs a one-line reason`);
  }
  assert.equal(
    evaluate(snapshot, { groups: ['ks2'], url: 'https://www.nhs.uk/iwf-listed-page' }, AT.lessons)
      .ruleId,
    'illegal:child-abuse',
  );
});

test('the classifier decides hosts in no list, with its confidence', () => {
  const snapshot = compile(TEST_RULES, LISTS);
  const d = evaluate(snapshot, { groups: ['ks2'], host: 'best-casino-bonus.xyz' }, AT.lessons);
  assert.equal(d.action, 'block');
  assert.equal(d.category, 'gambling');
  assert.equal(d.list?.kind, 'classifier');
  assert.ok(d.confidence > 0.8 && d.confidence < 1);
  assert.match(d.reason, /judged the category from the site's name/);
  // a listed host is decided by its list, not the classifier
  assert.equal(
    evaluate(snapshot, { groups: ['ks2'], host: 'allowlisted.example' }, AT.lessons).confidence,
    1,
  );
  // and the classifier is off when asked
  assert.equal(
    evaluate(SNAPSHOT, { groups: ['ks2'], host: 'best-casino-bonus.xyz' }, AT.lessons).ruleId,
    'default',
  );
});

test('evaluate is pure: same inputs, same decision; the snapshot is frozen', () => {
  const request: EngineRequest = { groups: ['ks3'], host: 'social.example' };
  assert.deepEqual(
    evaluate(SNAPSHOT, request, AT.lessons),
    evaluate(SNAPSHOT, request, AT.lessons),
  );
  evaluate(SNAPSHOT, request, AT.lunch);
  assert.equal(evaluate(SNAPSHOT, request, AT.lessons).action, 'block');
  assert.ok(Object.isFrozen(SNAPSHOT));
});

test('compile reports unusable rules all at once', () => {
  const bad = buildRules({
    school: { ...TEST_RULES.school, timeZone: 'Nowhere/Land' },
    bands: [{ id: 'b', label: 'b', days: ['mon'], ranges: [{ from: '10:00', to: '09:00' }] }],
    matrix: [
      {
        category: 'social-media',
        group: 'ks3',
        level: 'acceptable-at-certain-times',
        bands: ['missing'],
      },
    ],
    fallbackGroup: 'safeguarding-checkers',
  });
  assert.throws(
    () => compile(bad),
    (e: unknown) => e instanceof RulesError && e.problems.length === 4,
  );
  const warned = compile(
    buildRules({
      matrix: [{ category: 'no-such-category', group: 'ks2', level: 'unacceptable' }],
      flagCategories: ['nope'],
    }),
  );
  assert.ok(warned.warnings.some((w) => w.includes('no-such-category')));
  assert.ok(warned.warnings.some((w) => w.includes('nope')));
});
