import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAtSessionEnd } from './session-expiry';

function fakeSocket() {
  const s = Object.assign(new EventEmitter(), { disconnect: vi.fn() });
  s.disconnect.mockImplementation(() => s.emit('disconnect'));
  return s;
}

afterEach(() => vi.useRealTimers());

describe('closeAtSessionEnd', () => {
  it('waits out a lifetime longer than setTimeout allows (24.8 days) and closes at its end, not before', () => {
    vi.useFakeTimers({ now: 0 });
    const s = fakeSocket();
    const thirtyDays = 30 * 86_400_000;
    closeAtSessionEnd(s as unknown as Socket, thirtyDays);
    vi.advanceTimersByTime(thirtyDays - 1_000);
    expect(s.disconnect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(s.disconnect).toHaveBeenCalledWith(true);
  });

  it('closes at once a session already over, and forgets the timer of a socket closed earlier', () => {
    vi.useFakeTimers({ now: 10_000 });
    const over = fakeSocket();
    closeAtSessionEnd(over as unknown as Socket, 5_000);
    expect(over.disconnect).toHaveBeenCalledTimes(1);
    const left = fakeSocket();
    closeAtSessionEnd(left as unknown as Socket, 20_000);
    left.emit('disconnect');
    expect(vi.getTimerCount()).toBe(0);
  });
});
