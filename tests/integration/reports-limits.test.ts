import { describe, expect, it } from 'vitest';
import { ServiceError } from '@/server/core/errors';
import { generateReport, MAX_RUNNING, MAX_WAITING, reportsComputed, sharedReport } from '@/server/reports/generate';
import { withFreshStore } from '../helpers/store';

withFreshStore();

const input = { asns: [3320], from: '2026-01-01', to: '2026-01-31' };

describe('report generation limits', () => {
  it(`computes at most ${MAX_RUNNING} at once, lets ${MAX_WAITING} wait, and refuses the rest with a retryable error`, async () => {
    const all = Array.from({ length: MAX_RUNNING + MAX_WAITING + 3 }, () =>
      generateReport(input).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    const results = await Promise.all(all);
    expect(results.filter((r) => r === 'ok')).toHaveLength(MAX_RUNNING + MAX_WAITING);
    const refused = results.filter((r) => r !== 'ok') as ServiceError[];
    expect(refused).toHaveLength(3);
    expect(refused[0]).toBeInstanceOf(ServiceError);
    expect(refused[0]!.kind).toBe('unavailable');
    expect(refused[0]!.opts.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('a share link opened again with the same parameters is not recomputed; other parameters are', async () => {
    const before = reportsComputed();
    const [a, b] = await Promise.all([sharedReport('link-1', input), sharedReport('link-1', input)]);
    await sharedReport('link-1', { ...input, asns: [3320] });
    expect(a).toBe(b);
    expect(reportsComputed() - before).toBe(1);
    await sharedReport('link-1', { ...input, to: '2026-01-15' });
    await sharedReport('link-2', input);
    expect(reportsComputed() - before).toBe(3);
  });
});
