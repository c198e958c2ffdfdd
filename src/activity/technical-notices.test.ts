import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spoolNotice, SPOOL_NOTICE_ID, TechnicalNotices } from './technical-notices.ts';

test('a notice is new once per episode and keeps when it started', () => {
  const notices = new TechnicalNotices();
  const first = new Date('2026-11-23T10:00:00Z');
  const later = new Date('2026-11-23T10:05:00Z');
  const warning = spoolNotice({ bytes: 850, cap: 1000, ratio: 0.85, full: false }, '/data/spool');
  assert.equal(notices.set(warning, first), true);
  const full = spoolNotice({ bytes: 1000, cap: 1000, ratio: 1, full: true }, '/data/spool');
  assert.equal(notices.set(full, later), false);
  const [shown] = notices.list();
  assert.equal(shown?.id, SPOOL_NOTICE_ID);
  assert.equal(shown?.level, 'error');
  assert.equal(shown?.since.toISOString(), first.toISOString());
  assert.match(shown?.detail ?? '', /\/data\/spool/);
  assert.equal(notices.clear(SPOOL_NOTICE_ID), true);
  assert.equal(notices.list().length, 0);
  assert.equal(notices.set(warning, later), true, 'a new episode');
});

test('the spool notice says how full, in the technician’s terms', () => {
  const n = spoolNotice({ bytes: 850, cap: 1000, ratio: 0.85, full: false }, '/d');
  assert.equal(n.title, 'The activity spool is 85 % full');
  assert.equal(n.level, 'warning');
  assert.match(n.detail, /database has not been reachable/);
});
