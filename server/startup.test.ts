import { describe, expect, it } from 'vitest';
import { STARTUP_TASKS } from './startup';

describe('start-up tasks', () => {
  it('are one explicit ordered list, whatever modules were imported: migrations first', () => {
    expect(STARTUP_TASKS.map((t) => t.name)).toEqual([
      'migrations',
      'auth',
      'ingestion',
      'rollouts',
      'demo',
      'swarm summary',
    ]);
  });
});
