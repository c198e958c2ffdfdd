import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTemplate } from '../policy/templates/index.ts';
import {
  canClose,
  defaultIncidentType,
  evidenceAllowed,
  nextStep,
  outcomeOf,
  suggestSanctions,
  type IncidentFacts,
} from './incident-workflow.ts';

const open: IncidentFacts = {
  category: null,
  suspectedIllegal: null,
  status: 'open',
  referrals: [],
  deviceIsolated: false,
  investigators: [],
  designatedDevice: null,
  urls: [],
  contentNature: null,
  judgement: null,
  actionsTaken: [],
  sanctionsRecorded: 0,
  feedback: null,
  support: null,
  concernAbout: 'pupils',
};

test('a new report is classified first', () => {
  assert.equal(nextStep(open).step, 'classify');
  assert.equal(nextStep({ ...open, category: 'harassment-stalking' }).step, 'classify');
});

test('CSAM goes to the police at once, the device is isolated, and nothing is captured', () => {
  const csam = { ...open, category: 'csam' };
  const first = nextStep(csam);
  assert.equal(first.step, 'refer-police');
  assert.equal(first.illegalRoute, true);
  assert.match(first.quote.text, /referred to the Police immediately/);
  assert.equal(evidenceAllowed(csam).allowed, false);
  const referred = { ...csam, referrals: [{ agency: 'ceop', reference: 'CEOP-123' }] };
  assert.equal(nextStep(referred).step, 'isolate-device');
  assert.match(nextStep(referred).quote.text, /Isolate the computer/);
  const isolated = { ...referred, deviceIsolated: true };
  assert.equal(nextStep(isolated).step, 'police-outcome');
  // a referral without a reference does not count
  assert.equal(
    nextStep({ ...csam, referrals: [{ agency: 'police', reference: null }] }).step,
    'refer-police',
  );
});

test('other suspected illegal activity: refer, isolate, no investigation or evidence', () => {
  const illegal = { ...open, category: 'fraud-extortion', suspectedIllegal: true };
  assert.equal(nextStep(illegal).step, 'refer-police');
  assert.equal(evidenceAllowed(illegal).allowed, false);
  assert.equal(outcomeOf(illegal), 'Referred to police / CEOP');
});

test('not illegal: two senior staff investigate, judge, both sign off, then act', () => {
  let f: IncidentFacts = { ...open, category: 'harassment-stalking', suspectedIllegal: false };
  assert.equal(evidenceAllowed(f).allowed, true);
  assert.equal(nextStep(f).step, 'investigators');
  f = { ...f, investigators: [{ signedOff: false }] };
  assert.match(nextStep(f).why, /one is named so far/);
  f = { ...f, investigators: [{ signedOff: false }, { signedOff: false }] };
  assert.equal(nextStep(f).step, 'investigate');
  f = { ...f, designatedDevice: 'Laptop DSL-01', urls: ['https://example.org/x'] };
  assert.equal(nextStep(f).step, 'investigate');
  f = { ...f, contentNature: 'Threatening messages' };
  assert.equal(nextStep(f).step, 'judge');
  f = { ...f, judgement: 'substance' };
  assert.equal(nextStep(f).step, 'sign-off');
  assert.match(nextStep(f).why, /2 of 2/);
  f = { ...f, investigators: [{ signedOff: true }, { signedOff: false }] };
  assert.match(nextStep(f).why, /1 of 2 investigators has/);
  assert.equal(canClose(f).ok, false);
  f = { ...f, investigators: [{ signedOff: true }, { signedOff: true }] };
  assert.equal(nextStep(f).step, 'actions');
  f = { ...f, actionsTaken: ['internal-response'] };
  assert.equal(nextStep(f).step, 'feedback');
  f = { ...f, feedback: 'Told both pupils', support: 'Peer support' };
  assert.equal(nextStep(f).step, 'close');
  assert.equal(canClose(f).ok, true);
  assert.equal(outcomeOf(f), 'Concern upheld: action taken');
  assert.equal(nextStep({ ...f, status: 'closed' }).step, 'closed');
});

test('no substance: no actions needed, feedback still is', () => {
  const f: IncidentFacts = {
    ...open,
    category: 'copyright-theft',
    suspectedIllegal: false,
    investigators: [{ signedOff: true }, { signedOff: true }],
    designatedDevice: 'd',
    urls: ['u'],
    contentNature: 'n',
    judgement: 'no-substance',
  };
  assert.equal(nextStep(f).step, 'feedback');
  assert.equal(outcomeOf(f), 'No substance found');
});

test('a concern about staff records the LADO referral first', () => {
  const f: IncidentFacts = {
    ...open,
    category: 'inappropriate-use',
    suspectedIllegal: false,
    concernAbout: 'staff',
  };
  assert.equal(nextStep(f).step, 'lado');
  assert.equal(
    nextStep({ ...f, referrals: [{ agency: 'lado', reference: null }] }).step,
    'investigators',
  );
});

test('the Crosfields template quotes its own words', () => {
  const step = nextStep(
    { ...open, category: 'harassment-stalking', suspectedIllegal: false },
    'crosfields',
  );
  assert.match(step.quote.source, /Crosfields/);
  assert.match(step.quote.text, /SLT members/);
});

test('sanctions are suggested from the table for the person’s role', () => {
  const tables = loadTemplate('roundwood').sanctions ?? {};
  const type = defaultIncidentType('harassment-stalking', tables);
  assert.equal(type, 'offensive-messages');
  const pupil = suggestSanctions(tables, 'pupil', type);
  assert.ok(pupil);
  assert.equal(pupil.table, 'pupils');
  const suggested = pupil.actions.filter((a) => a.suggested).map((a) => a.id);
  assert.ok(suggested.length > 0);
  assert.ok(
    pupil.actions.some((a) => !a.suggested),
    'every column is offered',
  );
  const staff = suggestSanctions(tables, 'staff', type);
  assert.equal(staff?.table, 'staff');
  assert.ok(staff?.actions.some((a) => a.id === 'disciplinary-action'));
  assert.equal(suggestSanctions(tables, 'other', type), null);
  assert.equal(suggestSanctions(tables, 'pupil', 'no-such-row'), null);
  assert.equal(defaultIncidentType('self-generated-images', tables), null);
});
