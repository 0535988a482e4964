import { describe, expect, it } from 'vitest';
import { createAuthChanges } from '../db/auth-changes';
import type { User } from '../db/users-repo';
import { createUserStates, USER_STATE_TTL_MS } from './user-state';

const ID = '3f1c2b7e-8a4d-4c2e-9b1a-0d2e3f4a5b6c';
function repo(user: Partial<User> | null) {
  const state = {
    user:
      user &&
      ({
        id: ID,
        username: 'ann',
        displayName: null,
        role: 'operator',
        disabled: false,
        createdAt: new Date(),
        lastLoginAt: null,
        ...user,
      } as User),
    calls: 0,
  };
  return {
    state,
    findById: async (id: string) => {
      state.calls++;
      return state.user && state.user.id === id ? state.user : null;
    },
  };
}

describe('user states', () => {
  it('answers from the cache for a few seconds, then looks again', async () => {
    const users = repo({});
    const states = createUserStates(users, createAuthChanges());
    expect(await states.get(ID)).toMatchObject({ username: 'ann', role: 'operator', disabled: false });
    users.state.user = { ...users.state.user!, disabled: true };
    expect((await states.get(ID))?.disabled).toBe(false);
    expect(users.state.calls).toBe(1);
    // lru-cache reads its clock at import, so fake timers cannot move it: wait for real.
    await new Promise((resolve) => setTimeout(resolve, USER_STATE_TTL_MS + 50));
    expect((await states.get(ID))?.disabled).toBe(true);
    expect(users.state.calls).toBe(2);
  });

  it('sees a change at once after forget', async () => {
    const users = repo({});
    const states = createUserStates(users, createAuthChanges());
    await states.get(ID);
    users.state.user = { ...users.state.user!, role: 'viewer' };
    states.forget(ID);
    expect((await states.get(ID))?.role).toBe('viewer');
  });

  it('is null for an unknown user and for an id that is not ours, without asking the database for the latter', async () => {
    const users = repo(null);
    const states = createUserStates(users, createAuthChanges());
    expect(await states.get(ID)).toBeNull();
    expect(await states.get('id-olivia')).toBeNull();
    expect(users.state.calls).toBe(1);
  });
});
