import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Alerts' };

export default function Page() {
  return (
    <section className="panel">
      <h1>Alerts</h1>
      <p className="muted">Not available yet in this build: alerts will appear here.</p>
    </section>
  );
}
