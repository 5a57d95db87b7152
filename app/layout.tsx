import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Swarmdeck', template: '%s · Swarmdeck' },
  description: 'Operations console for peer-to-peer video delivery beside the CDN',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The theme lives in a cookie so the server renders the right class: no inline script, no flash.
  const theme = (await cookies()).get('theme')?.value === 'dark' ? 'dark' : 'light';
  return (
    <html lang="en" className={theme}>
      <body className="min-h-screen bg-tremor-background-muted text-tremor-content-emphasis antialiased dark:bg-dark-tremor-background-muted dark:text-dark-tremor-content-emphasis">
        {children}
      </body>
    </html>
  );
}
