import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'What-if' };

export default function Page() {
  return (
    <section className="panel">
      <h1>What-if</h1>
      <p className="muted">Not available yet in this build: the what-if explorer will appear here.</p>
    </section>
  );
}
