import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CidrTable, formatAddress, parseAddress, parseCidr } from './cidr.ts';

const text = (input: string): string | null => {
  const parsed = parseAddress(input);
  return parsed ? formatAddress(parsed) : null;
};

test('IPv4 addresses parse strictly', () => {
  assert.equal(text('10.0.20.7'), '10.0.20.7');
  assert.equal(text(' 192.168.1.254 '), '192.168.1.254');
  for (const bad of [
    '10.0.20',
    '10.0.20.256',
    '10.0.20.7.1',
    '10.0..7',
    'a.b.c.d',
    '',
    '1e1.0.0.1',
  ])
    assert.equal(parseAddress(bad), null, bad);
});

test('IPv6 addresses parse in every written form and print canonically (RFC 5952)', () => {
  assert.equal(text('2001:db8::1'), '2001:db8::1');
  assert.equal(text('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(text('::1'), '::1');
  assert.equal(text('::'), '::');
  assert.equal(text('fe80::1%eth0'), 'fe80::1');
  assert.equal(text('[2001:db8::20]'), '2001:db8::20');
  assert.equal(text('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(text('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(text('1:2:3:4:5:6:7:8'), '1:2:3:4:5:6:7:8');
  for (const bad of [
    '2001:db8:::1',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7',
  ])
    assert.equal(parseAddress(bad), null, bad);
});

test('an IPv4-mapped IPv6 client address is the IPv4 address it carries', () => {
  assert.deepEqual(parseAddress('::ffff:10.0.20.7'), parseAddress('10.0.20.7'));
  assert.deepEqual(parseAddress('::ffff:a00:1407'), parseAddress('10.0.20.7'));
  assert.equal(parseAddress('::ffff:10.0.20.7')?.family, 4);
});

test('ranges parse, clear the host bits and refuse bad prefixes', () => {
  const range = parseCidr('10.0.20.9/24');
  assert.ok(range);
  assert.equal(range.prefix, 24);
  assert.equal(formatAddress(range), '10.0.20.0');
  assert.equal(formatAddress(parseCidr('2001:db8:20:ff::1/48') ?? range), '2001:db8:20::');
  assert.equal(parseCidr('10.0.20.0/33'), null);
  assert.equal(parseCidr('2001:db8::/129'), null);
  assert.equal(parseCidr('10.0.20.0'), null);
  assert.equal(parseCidr('10.0.20.0/x'), null);
  assert.equal(parseCidr('::ffff:10.0.0.0/104')?.prefix, 8);
  assert.equal(parseCidr('::ffff:10.0.0.0/104')?.family, 4);
  assert.equal(parseCidr('::ffff:0.0.0.0/80')?.family, 6);
});

test('the most specific range wins, whatever the order they were added in', () => {
  const table = new CidrTable<string>();
  table.add('0.0.0.0/0', 'everyone');
  table.add('10.0.20.0/24', 'year 5 class set');
  table.add('10.0.0.0/8', 'school network');
  table.add('10.0.20.128/25', 'staff laptops');
  table.add('2001:db8::/32', 'v6 school');
  table.add('2001:db8:20::/48', 'v6 year 5');
  assert.equal(table.size, 6);
  assert.equal(table.match('10.0.20.7'), 'year 5 class set');
  assert.equal(table.match('10.0.20.200'), 'staff laptops');
  assert.equal(table.match('10.9.9.9'), 'school network');
  assert.equal(table.match('192.0.2.1'), 'everyone');
  assert.equal(table.match('::ffff:10.0.20.7'), 'year 5 class set', 'dual-stack socket form');
  assert.equal(table.match('2001:db8:20:1::5'), 'v6 year 5');
  assert.equal(table.match('2001:db8:99::5'), 'v6 school');
  assert.equal(table.match('2001:db9::1'), undefined, 'IPv6 does not fall into 0.0.0.0/0');
  assert.equal(table.match('not an address'), undefined);
});

test('prefix boundaries are exact', () => {
  const table = new CidrTable<number>();
  table.add('192.168.4.0/22', 22);
  table.add('192.168.5.17/32', 32);
  assert.equal(table.match('192.168.4.0'), 22);
  assert.equal(table.match('192.168.7.255'), 22);
  assert.equal(table.match('192.168.8.0'), undefined);
  assert.equal(table.match('192.168.3.255'), undefined);
  assert.equal(table.match('192.168.5.17'), 32);
  assert.equal(table.match('192.168.5.16'), 22);
  table.add('fe80::/10', 10);
  assert.equal(table.match('febf:ffff::1'), 10);
  assert.equal(table.match('fec0::1'), undefined);
});

test('a repeated range keeps its first value; a bad one is refused with its text', () => {
  const table = new CidrTable<string>();
  assert.equal(table.add('10.0.0.0/8', 'first'), true);
  assert.equal(table.add('10.1.2.3/8', 'second'), false);
  assert.equal(table.match('10.1.1.1'), 'first');
  assert.throws(() => table.add('10.0.0.0/40', 'x'), /10\.0\.0\.0\/40/);
});
