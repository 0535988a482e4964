/**
 * Reads the committed deployment files (Dockerfile, compose.yaml) for the checks that stand in
 * for a container engine: scripts/cluster/deployment-files.test.ts and scripts/check-container.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export type Instruction = readonly [keyword: string, rest: string];

export interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  command?: string[];
}

export interface Dockerfile {
  all: Instruction[];
  /** Stage names in order (`FROM x AS name`). */
  stages: (string | undefined)[];
  /** The instructions of the last stage, `runtime`. */
  runtime: Instruction[];
  /** ENV of the runtime stage. */
  runtimeEnv: Record<string, string>;
  /** A JSON-form instruction of the runtime stage (CMD, ENTRYPOINT, VOLUME). */
  json(keyword: string): string[];
}

/** The Dockerfile as instructions: continuation lines joined, comments dropped. */
export function readDockerfile(root = process.cwd()): Dockerfile {
  const all = readFileSync(path.join(root, 'Dockerfile'), 'utf8')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => [l.split(/\s+/)[0]!.toUpperCase(), l.slice(l.indexOf(' ') + 1).trim()] as const);
  const stages = all.filter(([k]) => k === 'FROM').map(([, rest]) => rest.split(/\s+AS\s+/i)[1]);
  const runtime = all.slice(all.findIndex(([k, rest]) => k === 'FROM' && /\sAS\s+runtime$/i.test(rest)));
  const runtimeEnv = Object.fromEntries(
    runtime
      .filter(([k]) => k === 'ENV')
      .flatMap(([, rest]) => rest.split(/\s+/))
      .map((kv) => kv.split('=') as [string, string]),
  );
  const json = (keyword: string) => JSON.parse(runtime.find(([k]) => k === keyword)![1]) as string[];
  return { all, stages, runtime, runtimeEnv, json };
}

export function readCompose(root = process.cwd()): Record<string, ComposeService> {
  return (parse(readFileSync(path.join(root, 'compose.yaml'), 'utf8')) as { services: Record<string, ComposeService> })
    .services;
}
