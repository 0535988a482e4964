/**
 * Where to go after login: only a same-origin path is accepted (an absolute or protocol-relative
 * URL would make /login an open redirect).
 */
export function safeCallbackUrl(raw: string | undefined): string {
  if (!raw) return '/';
  let candidate = raw;
  // next-auth sometimes hands back an absolute URL on our own origin; keep its path.
  if (/^https?:\/\//i.test(candidate)) {
    try {
      const u = new URL(candidate);
      candidate = `${u.pathname}${u.search}`;
    } catch {
      return '/';
    }
  }
  if (
    !candidate.startsWith('/') ||
    candidate.startsWith('//') ||
    candidate.startsWith('/\\') ||
    candidate.startsWith('/login')
  )
    return '/';
  return candidate;
}
