import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from './wire';

/** Values as procedures send them: nested rows, special numbers, dates, missing fields, odd keys. */
const SAMPLES: unknown[] = [
  null,
  0,
  -0,
  NaN,
  Infinity,
  'text',
  undefined,
  new Date('2026-12-04T10:00:00.123Z'),
  [1, undefined, NaN, null, 'x'],
  {
    range: '24h',
    filters: { deviceClass: 'tv', asn: undefined },
    rows: [
      { asn: 15169, offload: 0.42, ratio: NaN, at: new Date(0) },
      { asn: 3320, offload: -Infinity, ratio: 0, at: new Date('2026-01-01T00:00:00Z') },
    ],
    'a.b': { 'c\\d': Infinity },
    nested: { deep: { deeper: [[{ v: -0 }]] } },
  },
];

describe('wire transformer', () => {
  it.each(SAMPLES.map((v) => [v]))('round-trips %o', (v) => {
    const back = deserialize(JSON.parse(JSON.stringify(serialize(v))));
    expect(back).toStrictEqual(v);
  });

  it('writes what superjson writes, and each reads the other', () => {
    for (const v of SAMPLES) {
      const ours = JSON.parse(JSON.stringify(serialize(v)));
      const theirs = JSON.parse(JSON.stringify(superjson.serialize(v)));
      expect(ours).toStrictEqual(theirs);
      expect(superjson.deserialize(ours)).toStrictEqual(v);
      expect(deserialize(theirs)).toStrictEqual(v);
    }
  });

  it('reads a plain {json} body as its value (what curl and the tests send)', () => {
    expect(deserialize({ json: { id: 7, name: 'n' } })).toStrictEqual({ id: 7, name: 'n' });
    expect(deserialize({ json: null })).toBeNull();
  });

  it('refuses what it cannot carry instead of sending {}', () => {
    expect(() => serialize({ m: new Map() })).toThrow(/Map at "m"/);
    expect(() => serialize({ s: [new Set()] })).toThrow(/Set at "s.0"/);
    expect(() => serialize({ n: 1n })).toThrow(/bigint at "n"/);
  });

  it('refuses a path that would write outside the value', () => {
    expect(() => deserialize({ json: {}, meta: { values: { '__proto__.x': ['undefined'] } } })).toThrow(/bad path/);
    expect(() => deserialize({ json: {}, meta: { values: { 'constructor.prototype.x': ['undefined'] } } })).toThrow(
      /bad path/,
    );
    expect(() => deserialize({ json: { a: 1 }, meta: { values: { 'a.b.c': ['Date'] } } })).toThrow(/bad path/);
    expect(() => deserialize({ json: { a: {} }, meta: { values: { 'a.missing': ['Date'] } } })).toThrow(/bad path/);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('carries a key named "__proto__" as data, both ways', () => {
    // e.g. a breakdown keyed by a title id a client chose
    const rows: Record<string, unknown> = { other: 1 };
    Object.defineProperty(rows, '__proto__', {
      value: { bytes: NaN },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const wire = JSON.parse(JSON.stringify(serialize(rows)));
    expect(wire.json).toStrictEqual(JSON.parse('{"__proto__": {"bytes": "NaN"}, "other": 1}'));
    const back = deserialize(wire) as Record<string, { bytes: number }>;
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back['__proto__']!.bytes).toBeNaN();
    expect(({} as Record<string, unknown>).bytes).toBeUndefined();
  });
});
