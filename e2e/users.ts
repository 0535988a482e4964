import type { Role } from '../lib/auth/roles';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;

export interface E2eUser {
  username: string;
  password: string;
  role: Role;
  name: string;
}

/** Accounts seeded by e2e/serve.ts (a throwaway database; these passwords exist nowhere else). */
export const E2E_USERS = {
  admin: { username: 'admin', password: 'e2e-admin-password', role: 'admin', name: 'Administrator' },
  operator: { username: 'olivia', password: 'e2e-operator-password', role: 'operator', name: 'Olivia Operator' },
  viewer: { username: 'victor', password: 'e2e-viewer-password', role: 'viewer', name: 'Victor Viewer' },
  // Used only by the throttling test, so its lock-out cannot disturb other tests.
  locked: { username: 'lena', password: 'e2e-lena-password', role: 'viewer', name: 'Lena Lockout' },
} satisfies Record<string, E2eUser>;

/** The day of alarms e2e/serve.ts seeds (lib/alerts/seed-day.ts) for e2e/alarm-kpis.spec.ts, UTC. */
export const E2E_ALARM_DAY = Date.UTC(2026, 0, 15);
