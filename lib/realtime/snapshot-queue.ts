/**
 * One process-wide FIFO queue for socket work that can be expensive (building and sending
 * snapshots). Jobs run in slices of a few milliseconds; between slices the queue yields with
 * setImmediate, so HTTP requests, live points and other sockets are served even while
 * thousands of subscribes wait. FIFO keeps one socket's subscribe/unsubscribe in order.
 */
export interface WorkQueue {
  push(job: () => void): void;
  readonly length: number;
}

export function createWorkQueue(sliceMs = 4): WorkQueue {
  const jobs: (() => void)[] = [];
  let head = 0;
  let scheduled = false;

  const run = () => {
    scheduled = false;
    const until = performance.now() + sliceMs;
    while (head < jobs.length) {
      const job = jobs[head]!;
      jobs[head++] = noop;
      try {
        job();
      } catch {
        // A failing job must not stop the others; handlers answer their own errors.
      }
      if (performance.now() >= until) break;
    }
    if (head >= jobs.length) {
      jobs.length = 0;
      head = 0;
    } else schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(run);
  };
  return {
    push(job) {
      jobs.push(job);
      schedule();
    },
    get length() {
      return jobs.length - head;
    },
  };
}

const noop = () => {};
