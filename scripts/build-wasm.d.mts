/** Types of build-wasm.mjs (the member-summary kernel's build). */
export const WAT_FILE: string;
export const WASM_FILE: string;
/** The module's bytes for WebAssembly text `source`. */
export function compileWat(source: string, filename?: string): Promise<Uint8Array>;
