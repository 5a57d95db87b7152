import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Swarmdeck', template: '%s · Swarmdeck' },
  description: 'Operations console for peer-to-peer video delivery beside the CDN',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // A picked theme lives in a cookie so the server renders its class; with none, CSS follows
  // prefers-color-scheme (see darkMode in tailwind.config.ts): no inline script, no flash.
  const picked = (await cookies()).get('theme')?.value;
  const theme = picked === 'dark' || picked === 'light' ? picked : undefined;
  return (
    <html lang="en" className={theme} style={{ colorScheme: theme ?? 'light dark' }}>
      <body className="min-h-screen bg-tremor-background-muted text-tremor-content-emphasis antialiased dark:bg-dark-tremor-background-muted dark:text-dark-tremor-content-emphasis">
        {children}
      </body>
    </html>
  );
}
