import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'History' };

export default function Page() {
  return (
    <section className="panel">
      <h1>History</h1>
      <p className="muted">Not available yet in this build: history will appear here.</p>
    </section>
  );
}
