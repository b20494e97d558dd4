import WebSocket from 'ws';

/**
 * A real WebSocket client for tests: messages are queued as parsed JSON so a test can await
 * them in order, and the close code and reason are kept.
 */
export class TestSocket {
  private readonly queue: unknown[] = [];
  private readonly waiters: ((message: unknown) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, options?: WebSocket.ClientOptions): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message, or an error after `timeoutMs` (guards against hangs only). */
  next<T = any>(timeoutMs = 10_000): Promise<T> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift() as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message arrived')), timeoutMs);
      this.waiters.push((message) => {
        clearTimeout(timer);
        resolve(message as T);
      });
    });
  }

  /** Skips messages until one matches. */
  async nextMatching<T = any>(predicate: (message: any) => boolean, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.next(Math.max(deadline - Date.now(), 1));
      if (predicate(message)) return message as T;
    }
  }

  /** Messages received and not yet read. */
  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.ws.close();
  }
}
