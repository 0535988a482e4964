/**
 * No container engine runs here, so the deployment files are checked against each other and
 * against the code: compose.yaml, the Dockerfile, the nginx template, the Mosquitto config and
 * the README must agree on ports, environment names (those lib/config/env.ts reads), the health
 * path and the start command (what scripts/start.mjs runs once built).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../lib/config/env';
import { readCompose, readDockerfile } from './deploy-files';
import { CLUSTER_SETTINGS } from './instance-env';
import { renderTwinopsConf } from './nginx-config';

const root = process.cwd();
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

const services = readCompose();
const app = services.app!;
const { all: instructions, stages, runtime, runtimeEnv, json } = readDockerfile();

/** The variables the app reads, plus issue 16's cluster settings that other parts introduce. */
const known = new Set([...Object.keys(envSchema.shape), ...CLUSTER_SETTINGS]);
/** Variables for the tools, not the app: Next's telemetry and onnxruntime-node's install step. */
const toolEnv = new Set(['NEXT_TELEMETRY_DISABLED', 'ONNXRUNTIME_NODE_INSTALL']);

describe('Dockerfile', () => {
  it('builds in stages and ships production dependencies only', () => {
    expect(stages).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(instructions.some(([k, r]) => k === 'RUN' && r.includes('npm ci --omit=dev'))).toBe(true);
    expect(runtime.filter(([k, r]) => k === 'COPY' && r.includes('node_modules'))).toEqual([
      ['COPY', '--from=prod-deps /app/node_modules ./node_modules'],
    ]);
    expect(instructions.some(([k, r]) => k === 'ENV' && r.includes('ONNXRUNTIME_NODE_INSTALL=skip'))).toBe(true);
  });

  it('runs as a non-root user with its data directory as a volume', () => {
    const user = runtime.filter(([k]) => k === 'USER').at(-1)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(json('VOLUME')).toEqual([runtimeEnv.DATA_DIR]);
  });

  it('starts the server as npm start does once built, and checks /api/health on its port', () => {
    // scripts/start.mjs: spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(root, 'server.ts')]),
    // the V8 flags read from scripts/console-node-flags.json; the image's CMD must run the same.
    expect(read('scripts/start.mjs')).toContain("[...nodeFlags, '--import', 'tsx', path.join(root, 'server.ts')]");
    const nodeFlags = JSON.parse(read('scripts/console-node-flags.json')) as string[];
    expect(json('CMD')).toEqual(['node', ...nodeFlags, '--import', 'tsx', 'server.ts']);
    expect(runtimeEnv.NODE_ENV).toBe('production');
    const health = runtime.find(([k]) => k === 'HEALTHCHECK')![1];
    expect(health).toContain('/api/health');
    expect(health).toContain('process.env.PORT');
    expect(runtime.find(([k]) => k === 'EXPOSE')![1]).toBe(runtimeEnv.PORT);
  });

  it('copies files that exist, and sets only variables the app or its tools read', () => {
    for (const [, rest] of runtime.filter(([k, r]) => k === 'COPY' && r.startsWith('--from=build'))) {
      const sources = rest.split(/\s+/).slice(1, -1);
      for (const s of sources)
        if (!s.includes('.next')) expect(existsSync(s.replace('/app/', `${root}/`)), s).toBe(true);
    }
    for (const name of Object.keys(runtimeEnv)) expect(known.has(name) || toolEnv.has(name), name).toBe(true);
    expect(existsSync(path.join(root, 'deploy/docker-entrypoint.sh'))).toBe(true);
  });
});

describe('compose.yaml', () => {
  it('runs three replicas of the image, started once their services are healthy', () => {
    expect(app.build).toBe('.');
    expect(app.deploy?.replicas).toBe(3);
    expect(app.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      mosquitto: { condition: 'service_healthy' },
    });
    expect(services.nginx!.depends_on).toEqual({ app: { condition: 'service_healthy' } });
    for (const name of ['postgres', 'redis', 'mosquitto', 'app', 'nginx'])
      expect(services[name]!.healthcheck?.test.length, name).toBeGreaterThan(1);
  });

  it('gives the app only variables it reads, pointing at the compose services', () => {
    const env = app.environment!;
    for (const name of Object.keys(env)) expect(known.has(name), name).toBe(true);
    const pg = services.postgres!.environment!;
    const db = new URL(env.DATABASE_URL!.replace(/\$\{[^}]+\}/g, 'x'));
    expect([db.hostname, db.port, db.username, db.pathname]).toEqual([
      'postgres',
      '5432',
      pg.POSTGRES_USER,
      `/${pg.POSTGRES_DB}`,
    ]);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.MQTT_URL).toBe('mqtt://mosquitto:1883');
    // Secrets come from the operator's environment, never from the file.
    for (const name of ['NEXTAUTH_SECRET', 'ADMIN_PASSWORD']) expect(env[name]).toMatch(/^\$\{\w+:\?/);
  });

  it('checks the app on the health path and port of the image', () => {
    const test = app.healthcheck!.test.join(' ');
    expect(test).toContain(`http://127.0.0.1:${runtimeEnv.PORT}/api/health`);
    expect(app.expose).toEqual([runtimeEnv.PORT]);
  });

  it('puts nginx in front with the committed template, on the port NEXTAUTH_URL names', () => {
    const nginx = services.nginx!;
    const mount = nginx.volumes!.find((v) => v.includes('twinops.conf.template'))!;
    expect(mount.split(':')[0]).toBe('./deploy/nginx/twinops.conf.template');
    const [published, inside] = nginx.ports![0]!.split(':');
    expect(nginx.environment!.TWINOPS_LISTEN).toBe(inside);
    expect(new URL(app.environment!.NEXTAUTH_URL!.replace(/^\$\{\w+:-(.*)\}$/, '$1')).port).toBe(published);
    expect(nginx.environment!.TWINOPS_UPSTREAM_SERVERS).toContain(`server app:${runtimeEnv.PORT} `);
    // Every placeholder of the template is given (the image's envsubst leaves unknown ones as is).
    const placeholders = [...read('deploy/nginx/twinops.conf.template').matchAll(/\$\{(TWINOPS_\w+)\}/g)].map(
      (m) => m[1],
    );
    for (const p of placeholders) expect(nginx.environment![p!], p).toBeDefined();
    expect(nginx.healthcheck!.test.join(' ')).toContain('/nginx-health');
  });

  it('mounts the committed Mosquitto config, listening where MQTT_URL points', () => {
    const mount = services.mosquitto!.volumes!.find((v) => v.endsWith('/mosquitto/config/mosquitto.conf:ro'))!;
    const conf = read(mount.split(':')[0]!);
    expect(conf).toMatch(/^listener 1883$/m);
    expect(conf).toMatch(/^persistence true$/m);
  });
});

describe('nginx template', () => {
  const conf = renderTwinopsConf({ listen: 8080, upstreams: ['127.0.0.1:3001', '127.0.0.1:3002', '127.0.0.1:3003'] });

  it('fills one server per instance and leaves no placeholder', () => {
    expect(conf.match(/^\s*server 127\.0\.0\.1:300\d max_fails=1 fail_timeout=5s;$/gm)).toHaveLength(3);
    expect(conf).not.toContain('${');
    expect(conf).toMatch(/^\s*listen 8080;$/m);
  });

  it('keeps idle sockets past socket.io ping interval + timeout (25 s + 20 s)', () => {
    // lib/realtime/server.ts keeps socket.io's defaults; a change there must come here too.
    expect(read('lib/realtime/server.ts')).not.toMatch(/pingInterval|pingTimeout/);
    for (const directive of ['proxy_read_timeout', 'proxy_send_timeout']) {
      const seconds = Number(new RegExp(`${directive} (\\d+)s;`).exec(conf)?.[1]);
      expect(seconds, directive).toBeGreaterThan(45);
    }
  });
});

describe('README', () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Scale-out and deployment'));

  it('documents what compose and the Dockerfile set', () => {
    expect(readme.includes('## Scale-out and deployment'), 'README has a Scale-out and deployment section').toBe(true);
    for (const words of [
      'npm run cluster',
      'npm run bench:cluster',
      'compose.yaml',
      'Dockerfile',
      '/api/health',
      'deploy/nginx/twinops.conf.template',
      'npm run check:container',
    ])
      expect(section, words).toContain(words);
    for (const name of Object.keys(app.environment!)) expect(section, name).toContain(name);
    expect(section).toContain(`localhost:${services.nginx!.ports![0]!.split(':')[0]}`);
    expect(section).toContain(json('CMD').join(' '));
  });
});
