import { afterEach, describe, expect, it } from 'vitest';
import type { User } from '../db/users-repo';
import { currentUserState, forgetUserState, USER_STATE_TTL_MS } from './user-state';

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

afterEach(() => {
  forgetUserState();
});

describe('currentUserState', () => {
  it('answers from the cache for a few seconds, then looks again', async () => {
    const users = repo({});
    expect(await currentUserState(users, ID)).toMatchObject({ username: 'ann', role: 'operator', disabled: false });
    users.state.user = { ...users.state.user!, disabled: true };
    expect((await currentUserState(users, ID))?.disabled).toBe(false);
    expect(users.state.calls).toBe(1);
    // lru-cache reads its clock at import, so fake timers cannot move it: wait for real.
    await new Promise((resolve) => setTimeout(resolve, USER_STATE_TTL_MS + 50));
    expect((await currentUserState(users, ID))?.disabled).toBe(true);
    expect(users.state.calls).toBe(2);
  });

  it('sees a change at once after forgetUserState', async () => {
    const users = repo({});
    await currentUserState(users, ID);
    users.state.user = { ...users.state.user!, role: 'viewer' };
    forgetUserState(ID);
    expect((await currentUserState(users, ID))?.role).toBe('viewer');
  });

  it('is null for an unknown user and for an id that is not ours, without asking the database for the latter', async () => {
    const users = repo(null);
    expect(await currentUserState(users, ID)).toBeNull();
    expect(await currentUserState(users, 'id-olivia')).toBeNull();
    expect(users.state.calls).toBe(1);
  });
});
