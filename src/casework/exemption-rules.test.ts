import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HavenError } from '../errors/haven-error.ts';
import { compileBand } from '../policy/engine/time-bands.ts';
import {
  checkExemptionAsk,
  exemptionState,
  formatPeriod,
  inForce,
  lessonPeriods,
  mayDecide,
  zonedInstant,
  type ExemptionAsk,
  type ExemptionContext,
} from './exemption-rules.ts';

const now = new Date('2026-11-23T10:00:00Z');

const context: ExemptionContext = {
  now,
  groups: [
    { id: 'ks1', label: 'Key Stage 1' },
    { id: 'ks2', label: 'Key Stage 2' },
  ],
  categories: [
    { id: 'gambling', label: 'Gambling', illegal: false },
    { id: 'games', label: 'Games', illegal: false },
    { id: 'child-abuse', label: 'Child sexual abuse content', illegal: true },
    { id: 'extreme-pornography', label: 'Extreme pornography', illegal: true },
    { id: 'circumvention', label: 'Proxies and VPNs', illegal: false },
  ],
  normaliseSite: (text) => (/^[a-z0-9.-]+(\/.*)?$/.test(text) ? text : null),
  checkSite: (site) =>
    site.endsWith('iwf.test')
      ? { categories: ['child-abuse'], illegal: 'child-abuse' }
      : site.endsWith('vpn.test')
        ? { categories: ['circumvention'], illegal: null }
        : { categories: ['gambling'], illegal: null },
};

const ask = (overrides: Partial<ExemptionAsk> = {}): ExemptionAsk => ({
  target: { kind: 'site', site: 'odds.test' },
  groups: ['ks2'],
  startsAt: new Date('2026-11-23T10:00:00Z'),
  endsAt: new Date('2026-11-23T11:00:00Z'),
  reason: 'Probability lesson',
  ...overrides,
});

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof HavenError) return error.code;
    throw error;
  }
  return 'none';
}

test('an exemption is in force from its start, up to but not at its end', () => {
  const row = {
    status: 'approved' as const,
    starts_at: new Date('2026-11-23T10:00:00Z'),
    ends_at: new Date('2026-11-23T11:00:00Z'),
  };
  assert.equal(exemptionState(row, new Date('2026-11-23T09:59:59.999Z')), 'scheduled');
  assert.equal(exemptionState(row, new Date('2026-11-23T10:00:00Z')), 'active');
  assert.equal(inForce(row, new Date('2026-11-23T10:59:59.999Z')), true);
  assert.equal(exemptionState(row, new Date('2026-11-23T11:00:00Z')), 'expired');
  assert.equal(inForce(row, new Date('2026-11-23T11:00:00Z')), false);
  assert.equal(exemptionState({ ...row, status: 'requested' }, now), 'requested');
  assert.equal(
    exemptionState({ ...row, status: 'requested' }, new Date('2026-11-23T12:00:00Z')),
    'lapsed',
  );
  assert.equal(inForce({ ...row, status: 'revoked' }, now), false);
  assert.equal(inForce({ ...row, status: 'requested' }, now), false);
});

test('a good request is normalised: URL prefixes and hosts, de-duplicated groups', () => {
  const url = checkExemptionAsk(
    ask({ target: { kind: 'site', site: 'odds.test/maths' } }),
    context,
  );
  assert.equal(url.targetKind, 'url');
  const host = checkExemptionAsk(ask({ groups: ['ks2', 'ks2', 'ks1'] }), context);
  assert.equal(host.targetKind, 'host');
  assert.deepEqual(host.groups, ['ks2', 'ks1']);
  const category = checkExemptionAsk(
    ask({ target: { kind: 'category', category: 'games' } }),
    context,
  );
  assert.equal(category.targetKind, 'category');
});

test('illegal categories, illegal sites and circumvention are refused with their own code', () => {
  for (const target of [
    { kind: 'category' as const, category: 'child-abuse' },
    { kind: 'category' as const, category: 'extreme-pornography' },
    { kind: 'category' as const, category: 'circumvention' },
    { kind: 'site' as const, site: 'some.iwf.test' },
    { kind: 'site' as const, site: 'free.vpn.test' },
  ]) {
    assert.equal(
      code(() => checkExemptionAsk(ask({ target }), context)),
      'HAVEN_EXEMPTION_REFUSED',
    );
  }
});

test('bad requests name every field at once', () => {
  try {
    checkExemptionAsk(
      ask({
        target: { kind: 'site', site: 'NOT A HOST' },
        groups: ['year-99'],
        startsAt: new Date('2026-11-23T09:00:00Z'),
        endsAt: new Date('2026-11-23T09:30:00Z'),
        reason: ' ',
      }),
      context,
    );
    assert.fail('accepted');
  } catch (error) {
    assert.ok(error instanceof HavenError);
    assert.equal(error.code, 'HAVEN_VALIDATION');
    assert.deepEqual(
      error.errors?.map((e) => e.path),
      ['target.site', 'groups', 'endsAt', 'reason'],
    );
  }
  assert.equal(
    code(() => checkExemptionAsk(ask({ groups: [] }), context)),
    'HAVEN_VALIDATION',
  );
  assert.equal(
    code(() => checkExemptionAsk(ask({ endsAt: new Date('2026-11-23T09:00:00Z') }), context)),
    'HAVEN_VALIDATION',
    'the end before the start',
  );
  assert.equal(
    code(() => checkExemptionAsk(ask({ endsAt: new Date('2027-06-01T10:00:00Z') }), context)),
    'HAVEN_VALIDATION',
    'longer than a term is a permanent change',
  );
});

test('the person who asked may not decide; system work may', () => {
  assert.equal(mayDecide({ requested_by: 'u1' }, 'u1'), false);
  assert.equal(mayDecide({ requested_by: 'u1' }, 'u2'), true);
  assert.equal(mayDecide({ requested_by: null }, 'u2'), true);
});

test('local times become instants across the clock change', () => {
  const day = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
  assert.equal(
    zonedInstant('Europe/London', day('2026-11-23'), 9 * 60).toISOString(),
    '2026-11-23T09:00:00.000Z',
  );
  assert.equal(
    zonedInstant('Europe/London', day('2026-06-15'), 9 * 60).toISOString(),
    '2026-06-15T08:00:00.000Z',
  );
  assert.equal(
    formatPeriod(
      new Date('2026-06-15T08:00:00Z'),
      new Date('2026-06-15T09:30:00Z'),
      'Europe/London',
    ),
    '15 Jun 2026, 09:00–10:30',
  );
});

test('lesson periods: this lesson, the rest of today and the next school day', () => {
  const lessons = compileBand({
    id: 'lessons',
    label: 'Lessons',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    ranges: [
      { from: '09:00', to: '10:30' },
      { from: '10:45', to: '12:00' },
    ],
  });
  const lunch = compileBand({
    id: 'lunch',
    label: 'Lunch',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    ranges: [{ from: '12:00', to: '13:00' }],
  });
  const monday = lessonPeriods([lessons, lunch], 'Europe/London', new Date('2026-11-23T10:00:00Z'));
  assert.deepEqual(
    monday.map((p) => p.label),
    [
      'Today 09:00–10:30 (this lesson)',
      'Today 10:45–12:00',
      'Tomorrow 09:00–10:30',
      'Tomorrow 10:45–12:00',
    ],
  );
  assert.equal(monday[0]?.endsAt, '2026-11-23T10:30:00.000Z');
  const friday = lessonPeriods([lessons], 'Europe/London', new Date('2026-11-27T16:00:00Z'));
  assert.deepEqual(
    friday.map((p) => p.label),
    ['Monday 09:00–10:30', 'Monday 10:45–12:00'],
    'Friday evening: the next school day',
  );
});
