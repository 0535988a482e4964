/**
 * TLS and credentials: a throwaway Mosquitto of this test's own (a free loopback port, a CA and
 * server certificate made here with openssl, a password file, no anonymous access), so the
 * machine's shared broker is never reconfigured.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../../../tests/console-harness';

let dir: string;
let broker: ChildProcess;
let port: number;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition') {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'twinops-mqtt-tls-'));
  // Mosquitto started as root reads its files as the `mosquitto` user.
  chmodSync(dir, 0o755);
  const f = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=twinops test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
  );
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    f('san.ext'),
    '-out',
    f('server.pem'),
  );
  writeFileSync(f('passwd'), '');
  execFileSync('mosquitto_passwd', ['-b', f('passwd'), 'plant', 'plant-secret'], { stdio: 'pipe' });
  for (const name of ['ca.pem', 'server.pem', 'server.key', 'passwd']) chmodSync(f(name), 0o644);
  port = await freePort();
  writeFileSync(
    f('mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      `cafile ${f('ca.pem')}`,
      `certfile ${f('server.pem')}`,
      `keyfile ${f('server.key')}`,
      'allow_anonymous false',
      `password_file ${f('passwd')}`,
      'persistence false',
      '',
    ].join('\n'),
  );
  broker = spawn('mosquitto', ['-c', f('mosquitto.conf')], { stdio: 'ignore' });
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      }),
    10_000,
    'the throwaway broker',
  );
}, 60_000);

afterAll(() => {
  if (broker?.pid) process.kill(broker.pid, 'SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('MQTT over TLS with credentials', () => {
  it('connects with mqtts://, the CA file and username/password, and stores what is published', async () => {
    const url = `mqtts://127.0.0.1:${port}`;
    const h = await startHarness({
      SIMULATOR: 'off',
      MQTT_URL: url,
      MQTT_CA_FILE: path.join(dir, 'ca.pem'),
      MQTT_USERNAME: 'plant',
      MQTT_PASSWORD: 'plant-secret',
      MQTT_CLIENT_ID: 'twinops-tls-test',
    });
    try {
      await h.handle.services.plant!.ready();
      expect(h.handle.services.ingestStatus!.report().mqtt).toMatchObject({
        connected: true,
        broker: `mqtts://127.0.0.1:${port}`,
      });
      const pub = await mqtt.connectAsync(url, {
        ca: readFileSync(path.join(dir, 'ca.pem')),
        username: 'plant',
        password: 'plant-secret',
        reconnectPeriod: 0,
      });
      await pub.publishAsync(
        'twinops/reactor-1/telemetry',
        JSON.stringify({ ts: Date.now() - 1_000, values: { temperature: 352, pressure: 6, flow: 100 } }),
        { qos: 1 },
      );
      await pub.endAsync();
      const repo = h.handle.services.repos.telemetry;
      await eventually(async () => (await repo.count('reactor-1')) === 1, 10_000, 'the reading over TLS');
    } finally {
      await h.stop();
    }
  });

  it('keeps running and reports the refusal when the broker rejects its credentials (no secret in the status)', async () => {
    const h = await startHarness({
      SIMULATOR: 'off',
      MQTT_URL: `mqtts://plant:wrong-secret@127.0.0.1:${port}`,
      MQTT_CA_FILE: path.join(dir, 'ca.pem'),
      MQTT_CLIENT_ID: 'twinops-tls-test-2',
    });
    try {
      await eventually(() => h.handle.services.ingestStatus!.report().mqtt.lastError !== null, 10_000, 'the refusal');
      const status = h.handle.services.ingestStatus!.report().mqtt;
      expect(status.connected).toBe(false);
      expect(status.lastError).toMatch(/not authorized|bad user name or password/i);
      expect(JSON.stringify(status)).not.toContain('wrong-secret');
    } finally {
      await h.stop();
    }
  });
});
