import { describe, expect, it } from 'vitest';
import { auditCsv, safeCell } from './audit-csv';

describe('audit CSV', () => {
  it('neutralises formula cells and quotes everything', () => {
    expect(safeCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const p of ['+', '-', '@', '\t', '\r']) expect(safeCell(`${p}1`)).toBe(`"'${p}1"`);
    expect(safeCell('plain, text')).toBe('"plain, text"');
    expect(safeCell('a\nb')).toBe('"a\nb"');
  });

  it('writes a header and one line per row', () => {
    const row = {
      id: 'i1',
      ts: '2026-01-01T00:00:00.000Z',
      actor_kind: 'user',
      actor_id: 'u1',
      actor_email: 'a@x',
      action: 'rollout.killed',
      target_type: 'device_class',
      target_id: 'smart_tv',
      before: '{"killed":false}',
      after: '{"killed":true}',
      reason: '-oops',
      details: '',
    };
    const lines = auditCsv([row]).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'ts,actor_kind,actor_id,actor_email,action,target_type,target_id,reason,before,after,details,id',
    );
    expect(lines[1]).toBe(
      `"2026-01-01T00:00:00.000Z","user","u1","a@x","rollout.killed","device_class","smart_tv","'-oops","{""killed"":false}","{""killed"":true}","","i1"`,
    );
  });
});
