import { describe, expect, it } from 'vitest';
import { COMMANDS } from './all';

describe('command-line tools', () => {
  it('are one explicit ordered list, migrate first', () => {
    expect(Object.keys(COMMANDS)).toEqual([
      'migrate',
      'user:add',
      'token:add',
      'ingest:stats',
      'rollout:status',
      'rollout:kill',
      'demo:backfill',
      'sim:totals',
      'backup',
      'restore',
      'drill:slow-store',
    ]);
  });
});
