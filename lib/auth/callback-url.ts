/**
 * Where to go after login: only a same-origin path is accepted (an absolute or protocol-relative
 * URL would make /login an open redirect).
 *
 * Browsers drop tabs and newlines anywhere in a URL and read `\` as `/`, so `/\t/evil.example`
 * or `/\evil.example` become `//evil.example` (another host) once navigated to. Any control
 * character, whitespace or backslash refuses the value outright; what is left is parsed the way
 * a browser would (WHATWG URL) against a placeholder origin, and kept only if it stays there.
 * The answer is the normalised path + query + hash, never the raw input.
 */
const PLACEHOLDER = 'http://callback.invalid';
// C0 controls, space, DEL, C1 controls, and the other Unicode spaces/line separators.
const UNSAFE = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff\\]/;

export function safeCallbackUrl(raw: string | undefined): string {
  if (!raw || UNSAFE.test(raw)) return '/';
  let candidate = raw;
  // next-auth sometimes hands back an absolute URL on our own origin; keep its path.
  if (/^https?:\/\//i.test(candidate)) {
    try {
      const u = new URL(candidate);
      candidate = `${u.pathname}${u.search}${u.hash}`;
    } catch {
      return '/';
    }
  }
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return '/';
  let parsed: URL;
  try {
    parsed = new URL(candidate, PLACEHOLDER);
  } catch {
    return '/';
  }
  if (parsed.origin !== PLACEHOLDER) return '/';
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  // A normalised `/.//x` is `//x`: still protocol-relative once sent back to a browser.
  if (path.startsWith('//') || path.startsWith('/login')) return '/';
  return path;
}
