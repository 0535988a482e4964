/**
 * Renders deploy/nginx/twinops.conf.template for `npm run cluster` and bench:cluster, and wraps
 * it in a whole nginx.conf that runs as a foreground child with every file under one directory
 * of ours (pid, logs, temp paths): the system's nginx service and /etc/nginx are never touched.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const NGINX_TEMPLATE = path.join(process.cwd(), 'deploy', 'nginx', 'twinops.conf.template');

export interface BalancerOptions {
  /** The balancer's port. */
  listen: number;
  /** The instances, `host:port`. */
  upstreams: string[];
  /** Seconds an instance is skipped after a failed attempt (passive health check). */
  failTimeoutSeconds?: number;
}

/** The template with its `${TWINOPS_*}` placeholders filled (what the nginx image's envsubst does). */
export function renderTwinopsConf(opts: BalancerOptions, template = readFileSync(NGINX_TEMPLATE, 'utf8')): string {
  if (!opts.upstreams.length) throw new Error('the balancer needs at least one upstream');
  const servers = opts.upstreams
    .map((u) => `server ${u} max_fails=1 fail_timeout=${opts.failTimeoutSeconds ?? 5}s;`)
    .join('\n    ');
  const values: Record<string, string> = {
    TWINOPS_LISTEN: String(opts.listen),
    TWINOPS_UPSTREAM_SERVERS: servers,
  };
  return template.replace(/\$\{(TWINOPS_[A-Z_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`unknown placeholder ${whole} in the nginx template`);
    return value;
  });
}

/** A complete nginx.conf for a foreground nginx whose files all live under `dir`. */
export function renderNginxMain(opts: BalancerOptions & { dir: string }): string {
  const d = (name: string) => path.join(opts.dir, name);
  return `# Written by scripts/cluster/nginx-config.ts; do not edit (regenerated at every start).
daemon off;
master_process on;
worker_processes 1;
pid ${d('nginx.pid')};
error_log ${d('error.log')} warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path ${d('client_body')};
    proxy_temp_path ${d('proxy')};
    fastcgi_temp_path ${d('fastcgi')};
    uwsgi_temp_path ${d('uwsgi')};
    scgi_temp_path ${d('scgi')};
${renderTwinopsConf(opts)
  .split('\n')
  .map((l) => (l ? `    ${l}` : l))
  .join('\n')}
}
`;
}
