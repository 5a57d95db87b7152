import { describe, expect, it } from 'vitest';
import { FILTER_KEYS, filtersFromSearchParams, parseFilterValue, type FilterKey } from './filter-params';
import { Filters } from './filter-schema';

// The browser checks filter values without zod; these must be the very values the server's schema takes.
const CASES: Record<FilterKey, string[]> = {
  deviceClass: ['smart_tv', 'tablet', 'mobile', 'SMART_TV', ' smart_tv', 'phone', ''],
  asn: [
    '0',
    '15169',
    '4294967295',
    '4294967296',
    '-1',
    '1.5',
    '1e3',
    '0x10',
    ' 7 ',
    'AS15169',
    'Infinity',
    'NaN',
    '',
    '9007199254740993',
  ],
  country: ['DE', 'US', 'de', 'DEU', 'D', 'D1', 'ÉS', ''],
  contentId: ['', 'a', 'x'.repeat(128), 'x'.repeat(129), '😀'.repeat(128), '😀'.repeat(129), ' '],
  clientVersion: [
    '',
    '7.12.0',
    'x'.repeat(32),
    'x'.repeat(33),
    '😀'.repeat(32),
    '😀'.repeat(33),
    '\ud800'.repeat(32),
    '\ud800'.repeat(33),
    `${'x'.repeat(31)}\udc00`,
  ],
  cohort: ['', 'p2p', 'control', 'x'.repeat(32), 'x'.repeat(33)],
};

describe('filter values without zod', () => {
  for (const key of FILTER_KEYS) {
    it(`${key}: accepts and converts exactly what Filters.${key} does`, () => {
      for (const raw of CASES[key]) {
        const zod = Filters.shape[key].safeParse(raw);
        const ours = parseFilterValue(key, raw);
        expect({ raw, ok: ours.ok }).toEqual({ raw, ok: zod.success && zod.data !== undefined });
        if (ours.ok) expect(ours.value).toStrictEqual(zod.data);
      }
    });
  }

  it('says what a valid value looks like', () => {
    expect(parseFilterValue('country', 'de')).toEqual({ ok: false, message: 'a two-letter country code' });
    expect(parseFilterValue('asn', '-1')).toEqual({ ok: false, message: 'a whole number from 0 to 4294967295' });
    expect(parseFilterValue('cohort', 'x'.repeat(33))).toEqual({ ok: false, message: '1 to 32 characters' });
    expect(parseFilterValue('asn', '15169')).toEqual({ ok: true, value: 15169 });
  });

  it('reads the URL as the server schema would, dropping what it refuses', () => {
    const sp = new URLSearchParams('deviceClass=tablet&asn=15169&country=de&contentId=&cohort=p2p&other=1');
    const ours = filtersFromSearchParams(sp);
    expect(ours).toStrictEqual({ deviceClass: 'tablet', asn: 15169, cohort: 'p2p' });
    expect(Filters.parse(ours)).toStrictEqual(ours);
  });
});
