/**
 * Scalar validates with zod, whose first object parse probes `new Function('')` to decide whether
 * to compile its parsers; under the console's CSP (no 'unsafe-eval') that probe is refused and
 * reported as a violation. Set before any of Scalar's modules run, `jitless` makes zod parse
 * without compiling: the same results, and no eval attempt. zod keeps this setting on globalThis,
 * so it reaches the copy Scalar bundles too.
 */
import { config } from 'zod';

config({ jitless: true });
