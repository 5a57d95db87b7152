import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ForgottenIds } from './seen-filter';

const id = (n: number) => crypto.createHash('sha1').update(`r-${n}`).digest('hex').slice(0, 24);

describe('ForgottenIds (Bloom generations of evicted report ids)', () => {
  it('never forgets an id it holds, and answers "maybe" for few ids it never saw', () => {
    const f = new ForgottenIds(100_000);
    for (let i = 0; i < 100_000; i++) expect(f.add(id(i), 1_000 + i)).toBeUndefined();
    for (let i = 0; i < 100_000; i++) if (!f.mightHave(id(i))) throw new Error(`forgot ${id(i)}`);
    let maybe = 0;
    for (let i = 100_000; i < 200_000; i++) if (f.mightHave(id(i))) maybe++;
    // 28 bits and 19 probes an id: ≈ 0.00015 % a full generation; four asked in turn ≈ 0.0006 %
    expect(maybe / 100_000).toBeLessThan(0.0001);
    expect(f.size).toBe(100_000);
    expect(f.bytes).toBeLessThanOrEqual(100_000 * 3.5);
  });

  it('drops the oldest generation for room and says until when its ids arrived', () => {
    const f = new ForgottenIds(800, 8); // 8 generations of 100
    for (let i = 0; i < 800; i++) expect(f.add(id(i), 10_000 + i)).toBeUndefined();
    // the 801st id needs a ninth generation: the first (ids 0…99, arrived up to 10_099) goes
    expect(f.add(id(800), 10_800)).toBe(10_099);
    expect(f.size).toBe(701);
    let kept = 0;
    for (let i = 100; i <= 800; i++) if (f.mightHave(id(i))) kept++;
    expect(kept).toBe(701);
  });

  it('expires generations whose ids are all older than the window, without reporting a loss', () => {
    const f = new ForgottenIds(200, 2);
    for (let i = 0; i < 100; i++) f.add(id(i), 1_000);
    for (let i = 100; i < 200; i++) f.add(id(i), 5_000);
    f.expire(2_000);
    expect(f.size).toBe(100);
    expect(f.mightHave(id(150))).toBe(true);
    expect(f.add(id(200), 6_000)).toBeUndefined();
  });

  it('with no capacity holds nothing and reports every id as lost at once', () => {
    const f = new ForgottenIds(0);
    expect(f.add(id(1), 42)).toBe(42);
    expect(f.mightHave(id(1))).toBe(false);
  });
});
