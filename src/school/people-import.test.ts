import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePeopleCsv } from './people-import.ts';

test('a good file gives one person per row', () => {
  const result = parsePeopleCsv(
    '\uFEFFName,Username,Email,Year Group\r\nAmy Li,ALi,amy@x.example,Year 3\r\n',
  );
  assert.equal(result.ok, true);
  if (result.ok) {
    assert.equal(result.people.length, 1);
    assert.equal(result.people[0]?.username, 'ali');
    assert.equal(result.people[0]?.group, 'ks2');
  }
});

test('every bad row is reported with its line number', () => {
  const text = [
    'name,username,email,year group,staff role',
    'Good Pupil,good,good@x.example,Year 2,',
    ',nameless,,Year 2,',
    'Bad Email,bademail,not-an-email,Year 2,',
    'Both,both,,Year 2,Teacher',
    'Dupe,good,,Year 1,',
    'Odd Year,oddyear,,Year 19,',
    'Spaces,has space,,Year 1,',
  ].join('\n');
  const result = parsePeopleCsv(text);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.deepEqual(
      result.errors.map((e) => e.line),
      [3, 4, 5, 6, 7, 8],
    );
    assert.match(result.errors[0]?.message ?? '', /name is empty/);
    assert.match(result.errors[1]?.message ?? '', /not an email/);
    assert.match(result.errors[2]?.message ?? '', /not both/);
    assert.match(result.errors[3]?.message ?? '', /also on line 2/);
    assert.match(result.errors[4]?.message ?? '', /Year 19/);
    assert.match(result.errors[5]?.message ?? '', /may use only/);
  }
});

test('a header without the needed columns is explained', () => {
  const result = parsePeopleCsv('first,last\nA,B\n');
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.ok(result.errors.every((e) => e.line === 1));
    assert.equal(result.errors.length, 3);
  }
});

test('broken CSV quoting is reported, not thrown', () => {
  const result = parsePeopleCsv('name,username,year group\n"Unclosed,abc,Year 1\n');
  assert.equal(result.ok, false);
});
