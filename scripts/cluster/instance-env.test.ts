import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/env';
import { instanceEnv } from './instance-env';

const settings = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/twinops_cluster',
  redisUrl: 'redis://127.0.0.1:6379',
  mqttUrl: 'mqtt://127.0.0.1:1883',
  secret: 'x'.repeat(43),
  publicUrl: 'http://localhost:8080',
};

describe('npm run cluster: one instance environment', () => {
  const a = instanceEnv(settings, { id: 'instance-1', port: 3001, dataDir: '/d/1' });
  const b = instanceEnv(settings, { id: 'instance-2', port: 3002, dataDir: '/d/2' });

  it('shares what a session and the data need, and the balancer as the public URL', () => {
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'MQTT_URL', 'NEXTAUTH_SECRET', 'NEXTAUTH_URL', 'TRUSTED_PROXIES'])
      expect(a[name], name).toBe(b[name]);
    const config = loadConfig(a);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.TRUSTED_PROXIES).toEqual(['127.0.0.1', '::1']);
  });

  it('gives each instance its own port, data directory, instance id and MQTT client id', () => {
    for (const name of ['PORT', 'DATA_DIR', 'INSTANCE_ID', 'MQTT_CLIENT_ID']) expect(a[name], name).not.toBe(b[name]);
    expect(loadConfig(b).MQTT_CLIENT_ID).toBe('twinops-instance-2');
  });

  it('leaves MQTT off when the broker is not there', () => {
    const env = instanceEnv({ ...settings, mqttUrl: undefined }, { id: 'i', port: 1, dataDir: '/d' });
    expect(env.MQTT_URL).toBeUndefined();
    expect(env.MQTT_CLIENT_ID).toBeUndefined();
  });
});
