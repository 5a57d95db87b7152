import { describe, expect, it } from 'vitest';
import { awaitWithin } from './users';

const after = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(() => r(v), ms));

describe('awaitWithin (the session check on a slow store)', () => {
  it('takes the answer that comes in time', async () => {
    await expect(awaitWithin(after(5, 'fresh'), 200, 'cached')).resolves.toBe('fresh');
  });
  it('takes the fallback when the answer is late, and when it fails', async () => {
    await expect(awaitWithin(after(1_000, 'fresh'), 50, 'cached')).resolves.toBe('cached');
    await expect(awaitWithin(Promise.reject(new Error('store down')), 200, 'cached')).resolves.toBe('cached');
  });
});
