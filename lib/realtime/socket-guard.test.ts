/**
 * The abuse cool-down's clock: a user cut off for abuse is refused at the handshake until the
 * cool-down has run out, then admitted again. (The cut-off itself is tested against the real
 * console in socket-flood.integration.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io';
import pino from 'pino';
import { createSocketGuard } from './socket-guard';

/** The parts of a socket.io server socket the guard touches when it cuts one off. */
function fakeSocket(userId: string): Socket {
  return {
    data: { userId, username: userId },
    handshake: { address: '127.0.0.1' },
    disconnect: () => undefined,
    conn: { transport: { name: 'polling' }, request: {} },
  } as unknown as Socket;
}

describe('socket guard cool-down', () => {
  it('refuses a cut-off user for coolDownSeconds, then admits them; others are never refused', () => {
    let t = 1_000_000;
    const guard = createSocketGuard({
      logger: pino({ level: 'silent' }),
      limits: { maxStrikes: 3, coolDownSeconds: 30 },
      now: () => t,
    });
    const socket = fakeSocket('u1');
    for (let i = 0; i < 3; i++) guard.strike(socket, 'bad');
    expect(guard.coolingDown('u1')).toBe(0); // three strikes are tolerated
    guard.strike(socket, 'bad');
    expect(guard.coolingDown('u1')).toBe(30);
    expect(guard.coolingDown('u2')).toBe(0);
    t += 29_500;
    expect(guard.coolingDown('u1')).toBe(1);
    t += 500;
    expect(guard.coolingDown('u1')).toBe(0);
  });
});
