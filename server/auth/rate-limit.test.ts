import { beforeEach, describe, expect, it } from 'vitest';
import { beginAttempt, firstRefusal, forgiveAttempt, lockedFor, resetLimits } from './rate-limit';

const LIMIT = { max: 3, windowMs: 60_000, lockMs: 60_000 };

describe('sign-in attempts counted up front', () => {
  beforeEach(() => resetLimits());

  it('locks the key as soon as max attempts have started, before any of them finished', () => {
    beginAttempt('k', LIMIT, 1000);
    beginAttempt('k', LIMIT, 1001);
    expect(lockedFor('k', 1002)).toBe(0);
    beginAttempt('k', LIMIT, 1002);
    expect(lockedFor('k', 1003)).toBe(60_000 - 1);
  });

  it('forgives a successful attempt, lifting a lock it set itself', () => {
    beginAttempt('k', LIMIT, 0);
    beginAttempt('k', LIMIT, 1);
    const t = beginAttempt('k', LIMIT, 2);
    forgiveAttempt('k', t);
    expect(lockedFor('k', 3)).toBe(0);
    // The two earlier attempts still count: one more locks again.
    beginAttempt('k', LIMIT, 4);
    expect(lockedFor('k', 5)).toBeGreaterThan(0);
  });

  it('repeated successes never accumulate', () => {
    for (let i = 0; i < 10; i++) forgiveAttempt('k', beginAttempt('k', LIMIT, i));
    expect(lockedFor('k', 11)).toBe(0);
  });

  it('reports the first refusal of a lock once', () => {
    for (let i = 0; i < 3; i++) beginAttempt('k', LIMIT, i);
    expect(firstRefusal('k', 10)).toBe(true);
    expect(firstRefusal('k', 11)).toBe(false);
  });
});
