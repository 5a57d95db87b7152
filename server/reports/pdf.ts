import PDFDocument from 'pdfkit';
import type { IspReport, Report } from './compute';
import { DEFINITIONS } from './xlsx';

/**
 * The report as one PDF: a section per ISP, each on a new page — headline figures, daily CDN vs P2P
 * traffic, balance over time, top partner ISPs, QoE — and an appendix defining every figure.
 * Drawn with pdfkit's vector API and its built-in Helvetica (no font files, no browser).
 */

const M = 50;
const W = 595.28 - 2 * M;
const COLORS = {
  cdn: '#2563eb',
  p2p: '#16a34a',
  intra: '#86efac',
  line: '#9333ea',
  grid: '#d4d4d8',
  text: '#18181b',
  muted: '#52525b',
  warn: '#dc2626',
};

export function groupDigits(v: bigint | number | string): string {
  const s = String(v);
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function humanBytes(v: bigint): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let n = Number(v);
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(2)} ${units[i]}`;
}

function pct(v: string): string {
  return v === '' ? 'n/a' : `${(Number(v) * 100).toFixed(2)} %`;
}

type Doc = InstanceType<typeof PDFDocument>;

function heading(doc: Doc, text: string, size = 13) {
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).fillColor(COLORS.text).text(text, M, doc.y, { width: W });
  doc.moveDown(0.3).font('Helvetica').fontSize(9.5);
}

function ensureSpace(doc: Doc, h: number) {
  if (doc.y + h > doc.page.height - M) doc.addPage();
}

function axisLabel(v: number, unit: 'bytes' | 'ratio'): string {
  if (unit === 'ratio') return v.toFixed(2);
  return humanBytes(BigInt(Math.round(v)));
}

/** A vertical-axis frame with four grid lines; returns the plot's box. */
function frame(doc: Doc, y: number, h: number, max: number, unit: 'bytes' | 'ratio') {
  const x0 = M + 55;
  const w = W - 55;
  doc.save().lineWidth(0.5).strokeColor(COLORS.grid);
  for (let i = 0; i <= 4; i++) {
    const gy = y + h - (h * i) / 4;
    doc
      .moveTo(x0, gy)
      .lineTo(x0 + w, gy)
      .stroke();
    doc
      .fillColor(COLORS.muted)
      .fontSize(7)
      .text(axisLabel((max * i) / 4, unit), M, gy - 4, { width: 52, align: 'right', lineBreak: false });
  }
  doc.restore();
  return { x0, w, y, h };
}

function dayTicks(doc: Doc, r: IspReport, box: { x0: number; w: number; y: number; h: number }) {
  const n = r.days.length;
  const step = Math.max(1, Math.ceil(n / 8));
  doc.fontSize(7).fillColor(COLORS.muted);
  r.days.forEach((d, i) => {
    if (i % step !== 0) return;
    const x = box.x0 + ((i + 0.5) * box.w) / n;
    doc.text(d.date.slice(5), x - 15, box.y + box.h + 3, { width: 30, align: 'center', lineBreak: false });
  });
}

function legend(doc: Doc, y: number, items: [string, string][]) {
  let x = M + 55;
  doc.fontSize(8);
  for (const [color, label] of items) {
    doc.rect(x, y, 8, 8).fill(color);
    doc.fillColor(COLORS.text).text(label, x + 11, y, { lineBreak: false });
    x += 20 + doc.widthOfString(label);
  }
}

function trafficChart(doc: Doc, r: IspReport) {
  ensureSpace(doc, 190);
  heading(doc, 'Daily traffic delivered into the ISP: CDN vs P2P');
  const y = doc.y + 4;
  const h = 120;
  const vals = r.days.map((d) => ({ cdn: Number(d.figures.cdn), p2p: Number(d.figures.p2pDown) }));
  const max = Math.max(1, ...vals.map((v) => v.cdn + v.p2p));
  const box = frame(doc, y, h, max, 'bytes');
  const bw = box.w / vals.length;
  vals.forEach((v, i) => {
    const x = box.x0 + i * bw + bw * 0.15;
    const hc = (v.cdn / max) * h;
    const hp = (v.p2p / max) * h;
    if (hc > 0) doc.rect(x, y + h - hc, bw * 0.7, hc).fill(COLORS.cdn);
    if (hp > 0) doc.rect(x, y + h - hc - hp, bw * 0.7, hp).fill(COLORS.p2p);
  });
  dayTicks(doc, r, box);
  legend(doc, y + h + 16, [
    [COLORS.cdn, 'CDN (delivered_cdn_bytes)'],
    [COLORS.p2p, 'P2P received from peers (all peers)'],
  ]);
  doc.x = M;
  doc.y = y + h + 30;
}

function balanceChart(doc: Doc, r: IspReport) {
  ensureSpace(doc, 170);
  heading(doc, 'Cross-ISP balance over time (p2p_out / p2p_in; 1.0 = balanced)');
  const y = doc.y + 4;
  const h = 100;
  const vals = r.days.map((d) => (d.line.balance === '' ? null : Number(d.line.balance)));
  const defined = vals.filter((v): v is number => v !== null);
  const max = Math.max(2, ...defined) * 1.05;
  const box = frame(doc, y, h, max, 'ratio');
  const ly = y + h - (1 / max) * h;
  doc
    .save()
    .dash(3, { space: 3 })
    .strokeColor(COLORS.muted)
    .lineWidth(0.7)
    .moveTo(box.x0, ly)
    .lineTo(box.x0 + box.w, ly)
    .stroke()
    .undash()
    .restore();
  const n = vals.length;
  let started = false;
  doc.save().strokeColor(COLORS.line).lineWidth(1.5);
  vals.forEach((v, i) => {
    const x = box.x0 + ((i + 0.5) * box.w) / n;
    if (v === null) {
      started = false;
      return;
    }
    const py = y + h - (v / max) * h;
    if (!started) doc.moveTo(x, py);
    else doc.lineTo(x, py);
    started = true;
  });
  doc.stroke();
  vals.forEach((v, i) => {
    if (v === null) return;
    doc.circle(box.x0 + ((i + 0.5) * box.w) / n, y + h - (v / max) * h, 1.8).fill(COLORS.line);
  });
  doc.restore();
  dayTicks(doc, r, box);
  doc.x = M;
  doc.y = y + h + 16;
  doc
    .fontSize(8)
    .fillColor(COLORS.muted)
    .text('Days without cross-ISP traffic into the ISP (p2p_in = 0) have no balance and leave a gap.', M, doc.y, {
      width: W,
    });
}

function table(doc: Doc, headers: string[], rows: string[][], widths: number[], align: ('left' | 'right')[]) {
  const rowH = 13;
  const draw = (cells: string[], bold: boolean) => {
    if (doc.y + rowH + 2 > doc.page.height - M) {
      doc.addPage();
      if (!bold) draw(headers, true); // the header again on a continuation page
    }
    const y = doc.y;
    let x = M;
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(8.5)
      .fillColor(COLORS.text);
    cells.forEach((c, i) => {
      doc.text(c, x + 2, y + 2, {
        width: widths[i]! - 4,
        height: rowH,
        align: align[i],
        lineBreak: false,
        ellipsis: true,
      });
      x += widths[i]!;
    });
    doc
      .save()
      .lineWidth(0.4)
      .strokeColor(COLORS.grid)
      .moveTo(M, y + rowH)
      .lineTo(M + widths.reduce((a, b) => a + b, 0), y + rowH)
      .stroke()
      .restore();
    doc.x = M;
    doc.y = y + rowH;
  };
  draw(headers, true);
  for (const r of rows) draw(r, false);
  doc.font('Helvetica');
}

function section(doc: Doc, report: Report, r: IspReport) {
  const t = r.totals.line;
  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .fillColor(COLORS.text)
    .text(`${r.isp || 'Unknown ISP'} (AS${r.asn})`, M, M, { width: W });
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(COLORS.muted)
    .text(
      `Traffic report for ${report.from} to ${report.to} (UTC days, inclusive) · generated ${new Date(report.generatedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC by Swarmdeck`,
      { width: W },
    );

  heading(doc, 'Headline figures for the period');
  const f = r.totals.figures;
  const headline: [string, string][] = [
    ['Delivered by the CDN into the ISP', `${humanBytes(f.cdn)} (${groupDigits(t.delivered_cdn_bytes)} bytes)`],
    ['P2P kept inside the ISP', `${humanBytes(f.intra)} (${groupDigits(t.p2p_intra_bytes)} bytes)`],
    ['P2P into the ISP from other ISPs', `${humanBytes(f.in)} (${groupDigits(t.p2p_in_bytes)} bytes)`],
    ['P2P out of the ISP to other ISPs', `${humanBytes(f.out)} (${groupDigits(t.p2p_out_bytes)} bytes)`],
    ['Cross-ISP balance (out / in)', t.balance === '' ? 'n/a (no cross-ISP traffic in)' : t.balance],
    [
      'Offload ratio (P2P share of video)',
      t.offload_ratio === '' ? 'n/a (no traffic)' : `${t.offload_ratio} (${pct(t.offload_ratio)})`,
    ],
    ['Peak rate into the ISP, 95th percentile', `${t.peak_mbps_p95} Mbit/s`],
    ['Playback sessions', groupDigits(t.sessions)],
    ['Hours played', t.play_hours],
    [
      'Rebuffer ratio',
      t.rebuffer_ratio === '' ? 'n/a (no playback)' : `${t.rebuffer_ratio} (${pct(t.rebuffer_ratio)})`,
    ],
  ];
  for (const [k, v] of headline) {
    const y = doc.y;
    doc.font('Helvetica').fontSize(10).fillColor(COLORS.muted).text(k, M, y, { width: 210, lineBreak: false });
    doc
      .font('Helvetica-Bold')
      .fillColor(COLORS.text)
      .text(v, M + 215, y, { width: W - 215, lineBreak: false });
    doc.y = y + 14;
  }
  doc.font('Helvetica');

  trafficChart(doc, r);
  balanceChart(doc, r);

  ensureSpace(doc, 60);
  heading(doc, 'Top partner ISPs by cross-ISP P2P flow');
  if (r.partners.length === 0) {
    doc
      .fontSize(9.5)
      .fillColor(COLORS.muted)
      .text('No cross-ISP P2P traffic with a known ISP in this period.', M, doc.y, { width: W });
  } else {
    table(
      doc,
      ['partner ISP', 'ASN', 'received from it', 'sent to it', 'sent / received'],
      r.partners.map((p) => [
        p.isp || 'unknown name',
        `AS${p.asn}`,
        humanBytes(p.down),
        humanBytes(p.up),
        p.down === 0n ? 'n/a' : (Number(p.up) / Number(p.down)).toFixed(3),
      ]),
      [170, 70, 90, 80, W - 410],
      ['left', 'left', 'right', 'right', 'right'],
    );
  }

  ensureSpace(doc, 60);
  heading(doc, 'Quality of experience per day');
  table(
    doc,
    ['date', 'sessions', 'hours played', 'rebuffer ratio', 'offload ratio', 'peak Mbit/s (p95)'],
    r.days.map((d) => [
      d.date,
      groupDigits(d.line.sessions),
      d.line.play_hours,
      d.line.rebuffer_ratio || 'n/a',
      d.line.offload_ratio || 'n/a',
      d.line.peak_mbps_p95,
    ]),
    [80, 70, 80, 85, 85, W - 400],
    ['left', 'right', 'right', 'right', 'right', 'right'],
  );
}

function appendix(doc: Doc, report: Report) {
  doc
    .font('Helvetica-Bold')
    .fontSize(16)
    .fillColor(COLORS.text)
    .text('Appendix: what every figure means', M, M, { width: W });
  doc.moveDown(0.5).font('Helvetica').fontSize(9.5).fillColor(COLORS.text);
  doc.text(
    `Swarmdeck's video players report, every few seconds to minutes, how many bytes they fetched from the CDN and from other viewers (peers), split by the peers' network (ISP, identified by its AS number), and how playback went. A viewer belongs to the ISP of its own address. Days are UTC calendar days; a report counts in the day and 5-minute bucket containing its timestamp. This report covers ${report.from} to ${report.to}.`,
    { width: W },
  );
  for (const [k, v] of Object.entries(DEFINITIONS)) {
    doc.moveDown(0.5).font('Helvetica-Bold').text(k, { width: W }).font('Helvetica').text(v, { width: W });
  }
  doc
    .moveDown(0.5)
    .text(
      'Ratios are rounded to 6 decimals, rates and hours to 3, ties away from zero. The same figures are available as CSV, JSON and XLSX.',
      { width: W },
    );
}

export async function toPdf(report: Report): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: M,
    autoFirstPage: false,
    info: {
      Title: `ISP traffic report ${report.from} to ${report.to}`,
      Author: 'Swarmdeck',
      CreationDate: new Date(report.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  for (const r of report.isps) {
    doc.addPage();
    section(doc, report, r);
  }
  doc.addPage();
  appendix(doc, report);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
