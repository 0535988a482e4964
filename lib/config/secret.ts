import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The next-auth secret: `NEXTAUTH_SECRET` when given, else one generated on first run and kept
 * in `<dataDir>/auth-secret` (mode 0600) so sessions survive restarts with no setup.
 */
export function resolveAuthSecret(dataDir: string, given: string | undefined): { secret: string; generated: boolean } {
  if (given) return { secret: given, generated: false };
  const file = path.join(dataDir, 'auth-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < 32)
      throw new Error(`${file} is damaged (secret shorter than 32 characters); delete it to generate a new one`);
    return { secret, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, generated: true };
}
