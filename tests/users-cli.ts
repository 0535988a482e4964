import { spawnSync } from 'node:child_process';

/** Runs the users CLI against the embedded database in `dataDir`, as a user would (own process). */
export function usersCli(dataDir: string) {
  return (args: string[], stdin = '') => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], {
      input: stdin,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
}
