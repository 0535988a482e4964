import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { userTheme } from '@/lib/display/user-theme';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'twinops', template: '%s · twinops' },
  description: 'Realtime digital-twin console for process plants',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: its scripts carry that request's CSP nonce (proxy.ts), which
  // a page pre-rendered at build time could not.
  await connection();
  // The user's theme is set here, on the server, so the first paint already shows it.
  return (
    <html lang="en" data-theme={await userTheme()}>
      <body>{children}</body>
    </html>
  );
}
