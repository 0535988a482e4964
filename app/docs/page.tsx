import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ApiReference } from '@/components/docs/api-reference';
import { openApiDocument } from '@/lib/api/operations';
import { currentSession } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'API' };

/** The API reference, from the same OpenAPI document as /api/openapi.json. Needs a login. */
export default async function DocsPage() {
  const session = await currentSession();
  if (!session?.user?.role) redirect('/login?callbackUrl=/docs');
  return <ApiReference document={openApiDocument()} />;
}
