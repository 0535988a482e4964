import type { Socket } from 'socket.io';

/** setTimeout's largest delay (2^31 - 1 ms, ~24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes the socket when its session ends: the handshake check runs once, at connect, so an open
 * socket would otherwise keep streaming past the session's lifetime. A lifetime longer than
 * setTimeout allows is waited for in steps. The timer goes with the socket.
 */
export function closeAtSessionEnd(socket: Socket, expiresAtMs: number, onClose?: () => void): void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiresAtMs - Date.now();
    if (left <= 0) {
      onClose?.();
      socket.disconnect(true);
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  socket.once('disconnect', () => clearTimeout(timer));
}
