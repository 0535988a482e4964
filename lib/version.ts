import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The app's version from package.json (read once; the server runs from the repo root). */
export const APP_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
