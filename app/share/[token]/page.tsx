import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ReportPreviewView } from '@/components/reports/report-preview';
import { REPORT_DOWNLOAD_FORMATS, reportUrl } from '@/lib/reports/preview';
import { audit } from '@/server/audit/log';
import { sharedReport } from '@/server/reports/generate';
import { previewOf } from '@/server/reports/service';
import { resolveShareToken } from '@/server/reports/share-links';

export const dynamic = 'force-dynamic';

// The token is the credential: keep it out of Referer headers and search engines.
export const metadata: Metadata = {
  title: 'ISP traffic report',
  referrer: 'no-referrer',
  robots: { index: false, follow: false },
};

/** A share link's read-only report with its downloads, and nothing else of the console. */
export default async function SharePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = await resolveShareToken(token);
  if (!link) notFound();
  await audit({
    actor: { kind: 'share', id: link.id },
    action: 'share_link.viewed',
    target: { type: 'share_link', id: link.id },
    details: { asns: link.asns, from: link.from, to: link.to },
  });
  const preview = previewOf(await sharedReport(link.id, { asns: link.asns, from: link.from, to: link.to }));
  return (
    <main className="mx-auto grid max-w-7xl gap-6 p-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-tremor-default text-tremor-content dark:text-dark-tremor-content">
            Swarmdeck · shared report
          </p>
          <h1 className="text-2xl font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong">
            ISP traffic report {link.from} → {link.to}
          </h1>
          {link.label && (
            <p className="mt-1 text-tremor-default text-tremor-content dark:text-dark-tremor-content">{link.label}</p>
          )}
          <p className="mt-1 text-tremor-default text-tremor-content dark:text-dark-tremor-content">
            Read-only. This link works until {new Date(link.expiresAt).toISOString().slice(0, 16).replace('T', ' ')}{' '}
            UTC.
          </p>
        </div>
        <nav className="flex flex-wrap gap-2" aria-label="Downloads" data-testid="share-downloads">
          {REPORT_DOWNLOAD_FORMATS.map((f) => (
            <a
              key={f.format}
              href={reportUrl({ share: token, format: f.format })}
              rel="noreferrer"
              className="rounded-tremor-small border border-tremor-border bg-tremor-background px-3 py-1.5 text-tremor-default font-medium text-tremor-content-strong hover:bg-tremor-background-muted dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-content-strong"
            >
              Download {f.label}
            </a>
          ))}
        </nav>
      </header>
      <ReportPreviewView preview={preview} />
      <footer className="text-xs text-tremor-content dark:text-dark-tremor-content">
        Days are UTC. balance = cross-ISP P2P out / in (empty when nothing came in); offload = P2P / (P2P + CDN) bytes
        received; peak = 95th percentile of 5-minute rates of CDN + cross-ISP P2P into the ISP. The PDF explains every
        figure.
      </footer>
    </main>
  );
}
