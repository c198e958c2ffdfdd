import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultNoInspectionEntries,
  NO_INSPECTION_REASONS,
  noInspectionHostOf,
  NoInspectionList,
} from './no-inspection.ts';

describe('no-inspection list', () => {
  const list = new NoInspectionList(['*.Bank.Example', 'intranet.school.test.']);

  it('covers banking, health, government identity and pinned update services by default', () => {
    assert.equal(list.match('www.natwest.com')?.reason, 'banking-and-finance');
    assert.equal(list.match('www.nhs.uk')?.reason, 'health-and-support');
    assert.equal(list.match('nhs.uk')?.reason, 'health-and-support');
    assert.equal(list.match('signin.account.gov.uk')?.reason, 'government-identity');
    assert.equal(list.match('fe2.update.microsoft.com')?.reason, 'certificate-pinned');
    assert.equal(list.match('download.windowsupdate.com')?.reason, 'certificate-pinned');
    assert.equal(list.match('1-courier.push.apple.com')?.reason, 'certificate-pinned');
    assert.equal(list.match('update.googleapis.com')?.reason, 'certificate-pinned');
  });

  it("adds the school's bypass hosts, subdomains included", () => {
    assert.equal(list.match('bank.example')?.reason, 'school-bypass');
    assert.equal(list.match('online.bank.example')?.reason, 'school-bypass');
    assert.equal(list.match('intranet.school.test')?.reason, 'school-bypass');
  });

  it('leaves other hosts to inspection, with no partial-label matches', () => {
    assert.equal(list.match('www.bbc.co.uk'), null);
    assert.equal(list.match('notnhs.uk'), null);
    assert.equal(list.match('gov.uk'), null);
    assert.equal(list.match('www.google.com'), null);
    assert.equal(new NoInspectionList([], { defaults: false }).match('www.nhs.uk'), null);
  });

  it('gives every default a documented reason', () => {
    const entries = defaultNoInspectionEntries();
    assert.ok(entries.length > 40);
    for (const entry of entries) {
      assert.ok(NO_INSPECTION_REASONS[entry.reason].length > 0);
      assert.equal(noInspectionHostOf(entry.host), entry.host);
    }
    assert.equal(noInspectionHostOf('bad host'), null);
  });
});
