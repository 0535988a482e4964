/**
 * `npm run build:wasm`: compiles lib/model/member-summary.wat into member-summary.wasm (wabt).
 * The .wasm is committed so installs need no compiler; member-summary-wasm.test.ts rebuilds it
 * with `compileWat` and checks the committed file is exactly that build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

export const WAT_FILE = 'lib/model/member-summary.wat';
export const WASM_FILE = 'lib/model/member-summary.wasm';

/** The module's bytes (deterministic: no names section, no debug data). */
export async function compileWat(source, filename = WAT_FILE) {
  const wabt = await initWabt();
  const parsed = wabt.parseWat(filename, source, { simd: true });
  try {
    parsed.validate();
    return Uint8Array.from(parsed.toBinary({ write_debug_names: false }).buffer);
  } finally {
    parsed.destroy();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bytes = await compileWat(readFileSync(WAT_FILE, 'utf8'));
  writeFileSync(WASM_FILE, bytes);
  console.log(`${WASM_FILE}: ${bytes.length} bytes`);
}
