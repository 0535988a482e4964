import type { Metadata } from 'next';
import { LoginForm } from '@/components/login-form';
import { safeCallbackUrl } from '@/lib/auth/callback-url';

export const metadata: Metadata = { title: 'Log in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof params.callbackUrl === 'string' ? params.callbackUrl : undefined);
  return (
    <main className="login-wrap">
      <div className="panel login-card">
        <p className="brand">
          twin<span>ops</span>
        </p>
        <h1>Log in</h1>
        <LoginForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
