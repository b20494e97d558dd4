import net from 'node:net';

/**
 * A TCP forwarder a test can shut or stall, in front of Pharos or of PostgreSQL.
 *
 * - Shut (`open = false`): new connections are dropped at once (as a server that is not up yet
 *   would refuse them). It lets a test decide when a reconnecting client gets through, instead
 *   of racing it. `cut()` also drops the connections already open (a server that went down).
 * - Stalled (`stall()`): nothing is forwarded either way and new connections are accepted but
 *   not answered, as a server whose processes were stopped; `resume()` forwards again what was
 *   held, and connects the connections that arrived meanwhile and are still open.
 */
export class TcpGate {
  open = true;
  private stalled = false;
  private readonly sockets = new Set<net.Socket>();
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private readonly waiting = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    public target: number,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(target: number): Promise<TcpGate> {
    const server = net.createServer();
    const gate = new TcpGate(server, target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Stops forwarding: bytes in either direction are held, new connections wait unanswered. */
  stall(): void {
    this.stalled = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Forwards again, what was held first. */
  resume(): void {
    this.stalled = false;
    for (const pair of this.pairs) this.forward(pair);
    for (const client of [...this.waiting]) {
      this.waiting.delete(client);
      if (!client.destroyed) this.connect(client);
    }
  }

  /** Drops every open connection (new ones are dropped too while `open` is false). */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket): void {
    if (!this.open) return void client.destroy();
    this.track(client);
    if (this.stalled) {
      client.pause();
      this.waiting.add(client);
      client.on('close', () => this.waiting.delete(client));
      return;
    }
    this.connect(client);
  }

  private connect(client: net.Socket): void {
    const upstream = net.connect(this.target, '127.0.0.1');
    this.track(upstream);
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.on('close', () => {
      this.pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => {
      this.pairs.delete(pair);
      client.destroy();
    });
    if (this.stalled) upstream.pause();
    else this.forward(pair);
  }

  private forward({ client, upstream }: { client: net.Socket; upstream: net.Socket }): void {
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
    upstream.resume();
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }
}
