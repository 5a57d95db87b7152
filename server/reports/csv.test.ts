import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, formatLine } from './compute';
import { csvField, spreadsheetSafe, toCsv } from './csv';

const zero = {
  cdn: 0n,
  p2pDown: 0n,
  intra: 0n,
  in: 0n,
  out: 0n,
  peakBucketBytes: 0n,
  sessions: 0n,
  playMs: 0n,
  rebufferMs: 0n,
};

describe('CSV writer', () => {
  it('prefixes text cells a spreadsheet would run as a formula', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(spreadsheetSafe(s)).toBe(`'${s}`);
    for (const s of ['Deutsche Telekom', '1=1', '', "'quoted"]) expect(spreadsheetSafe(s)).toBe(s);
  });

  it('quotes per RFC 4180', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
  });

  it('writes the exact header, CRLF rows and escaped ISP names', () => {
    const csv = toCsv([
      formatLine('2026-11-20', 64512, '=HYPERLINK("http://x","click")', zero),
      formatLine('2026-11-20', 64513, '-Evil, Inc.', { ...zero, cdn: 3n, p2pDown: 1n, in: 3n, out: 1n }),
      formatLine('2026-11-20', 64514, '\rCarriage', zero),
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(`2026-11-20,64512,"'=HYPERLINK(""http://x"",""click"")",0,0,0,0,,,0.000,0,0.000,`);
    expect(lines[2]).toBe(`2026-11-20,64513,"'-Evil, Inc.",3,0,3,1,0.333333,0.250000,0.000,0,0.000,`);
    expect(lines[3]).toBe(`2026-11-20,64514,"'\rCarriage",0,0,0,0,,,0.000,0,0.000,`);
    expect(lines[4]).toBe('');
  });

  it('rounds peak rates and play hours exactly, ties away from zero', () => {
    // 1875 bytes in a bucket: 1875 × 8 / 300 / 10^6 = 0.00005 Mbit/s → 0.000; 18 750 bytes → 0.0005 → 0.001
    expect(formatLine('d', 1, '', { ...zero, peakBucketBytes: 18_750n }).peak_mbps_p95).toBe('0.001');
    expect(formatLine('d', 1, '', { ...zero, peakBucketBytes: 18_749n }).peak_mbps_p95).toBe('0.000');
    // 1800 ms = 0.0005 h → 0.001
    expect(formatLine('d', 1, '', { ...zero, playMs: 1_800n }).play_hours).toBe('0.001');
    // rebuffer 1 of 2 000 000 ms → 0.0000005 → 0.000001
    expect(formatLine('d', 1, '', { ...zero, playMs: 1_999_999n, rebufferMs: 1n }).rebuffer_ratio).toBe('0.000001');
  });
});
