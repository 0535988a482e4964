/**
 * A TCP proxy between one console and PostgreSQL that can freeze a single connection the way a
 * network pause does: nothing passes either way and neither side hears that the other closed
 * (a backend terminated meanwhile stays "open" for the console). Used to give an instance a lease
 * connection that PostgreSQL has dropped (its advisory locks freed) while the instance still
 * believes it holds it, without mocking anything inside the console.
 */
import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  paused: boolean;
}

export class PausableTcpProxy {
  private readonly server: net.Server;
  /** By the upstream socket's local port (what PostgreSQL's pg_stat_activity shows as client_port). */
  private readonly pairs = new Map<number, Pair>();

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    client.pause();
    upstream.once('connect', () => {
      const pair: Pair = { client, upstream, paused: false };
      this.pairs.set(upstream.localPort!, pair);
      client.on('data', (d) => {
        if (!pair.paused) upstream.write(d);
      });
      upstream.on('data', (d) => {
        if (!pair.paused) client.write(d);
      });
      const closeBoth = () => {
        if (pair.paused) return; // a paused network tells nobody
        client.destroy();
        upstream.destroy();
      };
      client.on('close', closeBoth);
      upstream.on('close', closeBoth);
      client.resume();
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  }

  /** Freezes the connection whose PostgreSQL side has `upstreamPort` as its client port. */
  pause(upstreamPort: number): void {
    const pair = this.pairs.get(upstreamPort);
    if (!pair) throw new Error(`no proxied connection from port ${upstreamPort}`);
    pair.paused = true;
  }

  /** The network comes back: a frozen connection whose far side closed meanwhile is closed now. */
  heal(): void {
    for (const pair of this.pairs.values()) {
      if (!pair.paused) continue;
      pair.paused = false;
      if (pair.upstream.destroyed || pair.client.destroyed) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
    }
  }

  async close(): Promise<void> {
    for (const pair of this.pairs.values()) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
