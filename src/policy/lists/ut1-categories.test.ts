import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapUt1Category, parseUt1Usage, UT1_CATEGORY_NAMES } from './ut1-categories.ts';
import { BUILT_IN_CATEGORIES } from '../engine/categories.ts';
import { hasUt1File, readUt1, ut1Categories, UT1_SKIP } from './ut1-data.test-data.ts';

const HAVEN_IDS = new Set(BUILT_IN_CATEGORIES.map((c) => c.id));

test(
  'every UT1 category folder has a mapping, and allow-type follows its usage file',
  UT1_SKIP,
  () => {
    const folders = ut1Categories();
    assert.ok(folders.length >= 40);
    for (const name of folders) {
      const mapping = mapUt1Category(name);
      assert.ok(mapping !== undefined, `no mapping for UT1 category ${name}`);
      if (hasUt1File(`${name}/usage`)) {
        const usage = parseUt1Usage(readUt1(`${name}/usage`));
        const white = usage.white && !usage.black;
        assert.equal(
          mapping.allowType,
          white,
          `${name}: usage says ${usage.black ? 'black' : ''} ${usage.white ? 'white' : ''}`,
        );
      }
    }
  },
);

test('the French names and the upstream aliases map to Haven categories', () => {
  const expected: Record<string, string> = {
    drogue: 'drugs',
    drugs: 'drugs',
    agressif: 'hate',
    aggressive: 'hate',
    violence: 'hate',
    redirector: 'circumvention',
    proxy: 'circumvention',
    tricheur: 'cheating',
    liste_blanche: 'allow-list',
    adult: 'pornography',
    porn: 'pornography',
    gambling: 'gambling',
    vpn: 'circumvention',
    social_networks: 'social-media',
    warez: 'piracy',
    malware: 'malware-hacking',
    phishing: 'phishing',
  };
  for (const [name, category] of Object.entries(expected))
    assert.equal(mapUt1Category(name)?.category, category, name);
  assert.equal(mapUt1Category('liste_blanche')?.allowType, true);
  assert.equal(mapUt1Category('nonexistent'), undefined);
  assert.equal(mapUt1Category('toString'), undefined);
});

test('every mapped Haven category is a built-in category', () => {
  for (const name of UT1_CATEGORY_NAMES) {
    const category = mapUt1Category(name)?.category;
    if (category !== null && category !== undefined)
      assert.ok(HAVEN_IDS.has(category), `${name} → ${category}`);
  }
});

test('usage files: black, white, aliases and comments', () => {
  assert.deepEqual(parseUt1Usage('black\nadult\nporn\n'), {
    black: true,
    white: false,
    aliases: ['adult', 'porn'],
  });
  assert.deepEqual(parseUt1Usage('#\tThis list is old\nblack white\n'), {
    black: true,
    white: true,
    aliases: [],
  });
});
