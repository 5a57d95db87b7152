import { describe, expect, it } from 'vitest';
import { processSingleton, TokenBuckets } from './rate-limit';

describe('token buckets', () => {
  it('admits the burst, then asks to wait until a token is back', () => {
    const b = new TokenBuckets();
    for (let i = 0; i < 10; i++) expect(b.take('k', 1, 10, 10, 1000)).toBe(0);
    expect(b.take('k', 1, 10, 10, 1000)).toBe(1);
    expect(b.take('k', 1, 10, 10, 1100)).toBe(0);
    expect(b.take('other', 1, 10, 10, 1100)).toBe(0);
  });

  it('a rate of 0 means no limit', () => {
    const b = new TokenBuckets();
    for (let i = 0; i < 1000; i++) expect(b.take('k', 1, 0, 0)).toBe(0);
  });
});

describe('process singletons', () => {
  it('hands every caller the same instance for a name', () => {
    const a = processSingleton('test.singleton', () => ({ n: Math.random() }));
    expect(processSingleton('test.singleton', () => ({ n: -1 }))).toBe(a);
  });
});
