import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { openApiDocument } from '@/lib/api/operations';
import { operationsByTag, type FieldRow } from '@/lib/api/openapi-view';
import { currentSession } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'API' };

function Fields({ rows }: { rows: FieldRow[] }) {
  if (!rows.length) return null;
  return (
    <table>
      <thead>
        <tr>
          <th>field</th>
          <th>type</th>
          <th>required</th>
          <th>notes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <td>
              <code>{r.name}</code>
            </td>
            <td>
              <code>{r.type}</code>
            </td>
            <td>{r.required ? 'yes' : ''}</td>
            <td className="muted">{r.notes}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The API reference, rendered from the same OpenAPI document as /api/openapi.json. */
export default async function DocsPage() {
  const session = await currentSession();
  if (!session?.user?.role) redirect('/login?callbackUrl=/docs');
  const doc = openApiDocument();
  const groups = operationsByTag(doc);
  const info = doc.info as { title: string; version: string; description: string };
  return (
    <main className="shell-main">
      <h1>
        {info.title} <span className="muted">{info.version}</span>
      </h1>
      <p>{info.description}</p>
      <p>
        Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Errors always have the shape{' '}
        <code>{'{"error": {"code", "message", "fields?"}}'}</code>. <Link href="/">Back to the console</Link>
      </p>
      <nav aria-label="Operations" className="panel" style={{ marginBottom: '1rem' }}>
        <ul>
          {[...groups.values()].flat().map((op) => (
            <li key={op.id}>
              <a href={`#${op.id}`}>
                <code>
                  {op.method} {op.path}
                </code>
              </a>{' '}
              <span className="muted">{op.summary}</span>
            </li>
          ))}
        </ul>
      </nav>
      {[...groups.entries()].map(([tag, ops]) => (
        <section key={tag} aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`}>{tag}</h2>
          {ops.map((op) => (
            <article key={op.id} id={op.id} className="panel" style={{ marginBottom: '1rem' }}>
              <h3>
                <code>
                  {op.method} {op.path}
                </code>{' '}
                <span className="role-badge">{op.role === 'public' ? 'no auth' : `${op.role}+`}</span>
              </h3>
              <p>{op.summary}</p>
              {op.description && <p className="muted">{op.description}</p>}
              {op.body && (
                <>
                  <h4>Request body (application/json)</h4>
                  <Fields rows={op.body.fields} />
                  <details>
                    <summary>JSON Schema</summary>
                    <pre>{JSON.stringify(op.body.schema, null, 2)}</pre>
                  </details>
                </>
              )}
              <h4>Responses</h4>
              <ul>
                {op.responses.map((r) => (
                  <li key={r.status}>
                    <strong>{r.status}</strong> {r.description}
                    {r.contentType && r.contentType !== 'application/json' && (
                      <span className="muted"> ({r.contentType})</span>
                    )}
                    <Fields rows={r.fields} />
                  </li>
                ))}
              </ul>
            </article>
          ))}
        </section>
      ))}
    </main>
  );
}
