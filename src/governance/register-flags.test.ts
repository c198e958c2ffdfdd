import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RegisterPerson } from '../store/register-repository.ts';
import { checkPublication, containsFullName } from './photo-consent-check.ts';
import {
  createSchema,
  displayValue,
  type RegisterContext,
  type RowData,
  type RowView,
} from './register-definition.ts';
import {
  breachesRegister,
  dpiasRegister,
  foiRegister,
  subjectAccessRegister,
} from './registers/data-protection-registers.ts';
import { devicesRegister, licencesRegister } from './registers/devices-registers.ts';
import { osgActionsRegister, rolesRegister } from './registers/roles-registers.ts';
import { socialMediaRegister } from './registers/social-media-register.ts';

const now = new Date('2026-11-23T10:00:00Z');

function person(id: string, over: Partial<RegisterPerson> = {}): RegisterPerson {
  return {
    id,
    schoolId: 's',
    username: id,
    displayName: `Person ${id}`,
    roles: ['staff'],
    disabled: false,
    lockedUntil: null,
    guestExpiresAt: null,
    ...over,
  };
}

function ctxWith(people: RegisterPerson[], at = now): RegisterContext {
  return { now: at, people: new Map(people.map((p) => [p.id, p])), rowLabel: () => null };
}

function row(data: RowData): RowView {
  return { id: 'r1', data, archived: false, createdAt: now, updatedAt: now };
}

const codes = (flags: readonly { code: string }[]) => flags.map((f) => f.code);

test('social media: fewer than two active administrators, and an administrator who left', () => {
  const ctx = ctxWith([
    person('a'),
    person('b'),
    person('c', { disabled: true }),
    person('d', { lockedUntil: new Date('2026-11-23T11:00:00Z') }),
  ]);
  const account = (admins: string[]) => row({ platform: 'x', handle: '@school', admins });
  assert.deepEqual(codes(socialMediaRegister.flags?.(account(['a', 'b']), ctx) ?? []), []);
  assert.deepEqual(codes(socialMediaRegister.flags?.(account(['a']), ctx) ?? []), [
    'too-few-admins',
  ]);
  assert.deepEqual(codes(socialMediaRegister.flags?.(account(['a', 'c']), ctx) ?? []), [
    'admin-left',
    'too-few-admins',
  ]);
  const locked = socialMediaRegister.flags?.(account(['a', 'd']), ctx) ?? [];
  assert.match(locked[0]?.message ?? '', /Person d's account is locked/);
  assert.deepEqual(codes(socialMediaRegister.flags?.(account(['a', 'gone']), ctx) ?? []), [
    'admin-left',
    'too-few-admins',
  ]);
});

test('roles register: the DfE named SLT member and governor are flagged when missing', () => {
  const ctx = ctxWith([person('h')]);
  const held = (responsibility: string) => row({ responsibility, person: 'h' });
  const flags = rolesRegister.registerFlags?.([held('head'), held('dsl')], ctx) ?? [];
  assert.ok(codes(flags).includes('missing-slt-filtering-monitoring'));
  assert.ok(codes(flags).includes('missing-governor-filtering-monitoring'));
  assert.ok(!codes(flags).includes('missing-head'));
  const all = [
    'head',
    'dsl',
    'online-safety-lead',
    'online-safety-governor',
    'it-provider',
    'slt-filtering-monitoring',
    'governor-filtering-monitoring',
  ].map(held);
  assert.deepEqual(rolesRegister.registerFlags?.(all, ctx), []);
});

test('Online Safety Group actions: overdue while open, not once done', () => {
  const ctx = ctxWith([person('o')]);
  const action = (status: string, due: string) =>
    row({ action: 'Review filtering', owner: 'o', due, status });
  assert.deepEqual(codes(osgActionsRegister.flags?.(action('open', '2026-11-20'), ctx) ?? []), [
    'overdue',
  ]);
  assert.deepEqual(
    codes(osgActionsRegister.flags?.(action('open', '2026-11-23'), ctx) ?? []),
    [],
    'due today is not overdue',
  );
  assert.deepEqual(codes(osgActionsRegister.flags?.(action('done', '2026-11-20'), ctx) ?? []), []);
  assert.equal(osgActionsRegister.dueDates?.(action('done', '2026-11-20'), ctx).length, 0);
  assert.equal(osgActionsRegister.dueDates?.(action('open', '2026-11-20'), ctx).length, 1);
});

test('licences: more installed than bought, renewal due and overdue', () => {
  const ctx = ctxWith([]);
  const licence = (bought: number, installed: number, renewal: string | null) =>
    row({ product: 'Office', seatsBought: bought, seatsInstalled: installed, renewal });
  assert.deepEqual(codes(licencesRegister.flags?.(licence(30, 30, '2027-06-01'), ctx) ?? []), []);
  assert.deepEqual(codes(licencesRegister.flags?.(licence(30, 32, null), ctx) ?? []), [
    'over-installed',
  ]);
  assert.deepEqual(codes(licencesRegister.flags?.(licence(30, 3, '2026-12-10'), ctx) ?? []), [
    'renewal-due',
  ]);
  assert.deepEqual(codes(licencesRegister.flags?.(licence(30, 3, '2026-11-01'), ctx) ?? []), [
    'renewal-overdue',
  ]);
});

test('devices: a school device outside MDM and a holder who left are flagged', () => {
  const ctx = ctxWith([person('p', { disabled: true })]);
  const device = row({
    assetTag: 'RW-1',
    type: 'laptop',
    ownership: 'school-single-user',
    mdm: 'not-enrolled',
    status: 'in-use',
    holder: 'p',
  });
  assert.deepEqual(codes(devicesRegister.flags?.(device, ctx) ?? []), [
    'not-managed',
    'holder-left',
  ]);
  const personal = row({
    assetTag: 'RW-2',
    type: 'phone',
    ownership: 'staff-owned',
    mdm: 'not-enrolled',
    status: 'in-use',
    holder: null,
  });
  assert.deepEqual(codes(devicesRegister.flags?.(personal, ctx) ?? []), []);
});

test('breach log: hours left to the ICO, overdue, and the decision stops the clock', () => {
  const ctx = ctxWith([], new Date('2026-11-24T10:00:00Z'));
  const breach = (extra: RowData) =>
    row({
      title: 'Email to wrong parent',
      discoveredAt: '2026-11-23T10:00:00.000Z',
      icoDecision: 'undecided',
      risk: 'risk',
      ...extra,
    });
  assert.equal(
    displayValue(breachesRegister, 'ico', breach({}), ctx),
    '48 h left to report to the ICO (by 2026-11-26 10:00 UTC)',
  );
  assert.deepEqual(codes(breachesRegister.flags?.(breach({}), ctx) ?? []), ['ico-clock']);
  const late = ctxWith([], new Date('2026-11-26T13:00:00Z'));
  assert.deepEqual(codes(breachesRegister.flags?.(breach({}), late) ?? []), ['ico-overdue']);
  assert.match(displayValue(breachesRegister, 'ico', breach({}), late), /deadline passed 3 h ago/);
  const reported = breach({ icoDecision: 'reported', reportedAt: '2026-11-24T09:00:00.000Z' });
  assert.deepEqual(codes(breachesRegister.flags?.(reported, late) ?? []), []);
  assert.equal(breachesRegister.dueDates?.(reported, late).length, 0);
});

test('breach log: reporting needs a date; not reporting needs a reason (naming the field)', () => {
  const schema = createSchema(breachesRegister);
  const base = { title: 'Lost USB stick', discoveredAt: '2026-11-23T10:00:00Z', risk: 'risk' };
  const reported = schema.safeParse({ ...base, icoDecision: 'reported' });
  assert.equal(reported.success, false);
  assert.deepEqual(
    reported.error?.issues.map((i) => i.path.join('.')),
    ['reportedAt'],
  );
  const notReported = schema.safeParse({ ...base, icoDecision: 'not-reportable' });
  assert.deepEqual(
    notReported.error?.issues.map((i) => i.path.join('.')),
    ['notReportedReason'],
  );
  assert.equal(schema.safeParse({ ...base, icoDecision: 'undecided' }).success, true);
  const badDate = schema.safeParse({
    ...base,
    icoDecision: 'undecided',
    discoveredAt: 'yesterday',
  });
  assert.deepEqual(
    badDate.error?.issues.map((i) => i.path.join('.')),
    ['discoveredAt'],
  );
});

test('SAR and FOI clocks in the registers, with an extension that needs a reason', () => {
  const ctx = ctxWith([]);
  const sar = row({ requester: 'A parent', received: '2026-11-02', extensionMonths: 0 });
  assert.equal(displayValue(subjectAccessRegister, 'due', sar, ctx), '2026-12-02');
  assert.equal(
    displayValue(subjectAccessRegister, 'clock', sar, ctx),
    'Due 2026-12-02 (9 day(s) left)',
  );
  const extended = row({
    requester: 'A parent',
    received: '2026-09-02',
    extensionMonths: 2,
    extensionReason: 'Complex request',
  });
  assert.equal(displayValue(subjectAccessRegister, 'due', extended, ctx), '2026-12-02');
  const overdue = row({ requester: 'A parent', received: '2026-10-02', extensionMonths: 0 });
  assert.deepEqual(codes(subjectAccessRegister.flags?.(overdue, ctx) ?? []), ['overdue']);
  const answered = row({ requester: 'A parent', received: '2026-10-02', responded: '2026-10-30' });
  assert.deepEqual(codes(subjectAccessRegister.flags?.(answered, ctx) ?? []), []);
  const schema = createSchema(subjectAccessRegister);
  const noReason = schema.safeParse({
    requester: 'A parent',
    received: '2026-11-02',
    extensionMonths: 1,
  });
  assert.deepEqual(
    noReason.error?.issues.map((i) => i.path.join('.')),
    ['extensionReason'],
  );
  const tooLong = schema.safeParse({
    requester: 'A parent',
    received: '2026-11-02',
    extensionMonths: 3,
    extensionReason: 'Very complex request',
  });
  assert.deepEqual(
    tooLong.error?.issues.map((i) => i.path.join('.')),
    ['extensionMonths'],
  );
  const foi = row({ requester: 'Journalist', request: 'Budget', received: '2026-11-02' });
  assert.equal(displayValue(foiRegister, 'due', foi, ctx), '2026-11-30');
});

test('DPIA review overdue', () => {
  const ctx = ctxWith([person('o')]);
  const dpia = (nextReview: string) =>
    row({ title: 'Haven monitoring', owner: 'o', risk: 'medium', nextReview });
  assert.deepEqual(codes(dpiasRegister.flags?.(dpia('2026-11-01'), ctx) ?? []), ['review-overdue']);
  assert.deepEqual(codes(dpiasRegister.flags?.(dpia('2027-11-01'), ctx) ?? []), []);
});

test('publishing check: full names beside the photo and pupils without consent', () => {
  assert.equal(containsFullName('Well done Pip Adeyemi!', 'Pip Adeyemi'), true);
  assert.equal(containsFullName('Well done pip  ADEYEMI', 'Pip Adeyemi'), true);
  assert.equal(containsFullName('Adeyemi, Pip won', 'Pip Adeyemi'), true);
  assert.equal(containsFullName('Well done Pip!', 'Pip Adeyemi'), false);
  assert.equal(containsFullName('Pipadeyemi', 'Pip Adeyemi'), false);
  const pip = { id: 'p1', displayName: 'Pip Adeyemi' };
  const sam = { id: 'p2', displayName: 'Sam Kowalski' };
  const ria = { id: 'p3', displayName: 'Ria Mensah' };
  const consents = [
    {
      pupilId: 'p1',
      consent: { website: 'given', socialMedia: 'refused', press: 'not-asked' },
      doNotPhotograph: false,
    },
    {
      pupilId: 'p3',
      consent: { website: 'given', socialMedia: 'given', press: 'given' },
      doNotPhotograph: true,
    },
  ];
  const website = checkPublication({
    text: 'Pip and friends at sports day',
    purpose: 'website',
    purposeLabel: 'the website',
    pupils: [pip],
    consents,
  });
  assert.deepEqual(website, { ok: true, problems: [] });
  const social = checkPublication({
    text: 'Sports day: Pip Adeyemi wins, and Sam Kowalski watches',
    purpose: 'socialMedia',
    purposeLabel: 'social media',
    pupils: [pip, ria],
    consents,
    allPupils: [pip, sam, ria],
  });
  assert.equal(social.ok, false);
  assert.deepEqual(
    social.problems.map((p) => [p.pupil, p.kind]),
    [
      ['Pip Adeyemi', 'consent-refused'],
      ['Ria Mensah', 'do-not-photograph'],
      ['Pip Adeyemi', 'full-name'],
      ['Sam Kowalski', 'full-name'],
    ],
  );
  const none = checkPublication({
    text: '',
    purpose: 'press',
    purposeLabel: 'the press',
    pupils: [sam],
    consents,
  });
  assert.deepEqual(
    none.problems.map((p) => p.kind),
    ['no-consent'],
  );
});
