import net from 'node:net';

/**
 * A TCP forwarder in front of Pharos that a test can shut: while shut, new connections are
 * dropped at once (as a Pharos that is not up yet would refuse them). It lets a test decide
 * when a reconnecting client gets through, instead of racing it.
 */
export class TcpGate {
  open = true;
  private readonly sockets = new Set<net.Socket>();

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

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket): void {
    if (!this.open) return void client.destroy();
    const upstream = net.connect(this.target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
