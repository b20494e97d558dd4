import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../apps/server/src/platform/config/load-config';
import { PharosConfig } from '../../apps/server/src/platform/config/pharos-config';
import { createPharosApp } from '../../apps/server/src/create-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_ADMIN_PASSWORD = 'admin-password-for-tests';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiRequest {
  method?: string;
  body?: unknown;
  /** A raw body sent as is (with `contentType`), for malformed-input tests. */
  rawBody?: string | Buffer;
  contentType?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** A Pharos server running in this test process on a random port, over a real database. */
export class RunningPharos {
  constructor(
    readonly app: NestFastifyApplication,
    readonly config: PharosConfig,
    readonly db: TestDatabase,
    readonly baseUrl: string,
    private readonly ownsDatabase: boolean,
  ) {}

  get wsUrl(): string {
    return this.baseUrl.replace(/^http/, 'ws');
  }

  async request<T = any>(urlPath: string, req: ApiRequest = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...req.headers };
    let body: string | Buffer | undefined;
    if (req.rawBody !== undefined) {
      body = req.rawBody;
      headers['content-type'] = req.contentType ?? 'application/json';
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    const res = await fetch(`${this.baseUrl}${urlPath}`, { method: req.method ?? (body ? 'POST' : 'GET'), headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Logs in and returns the access token. */
  async login(username = 'admin', password = TEST_ADMIN_PASSWORD): Promise<string> {
    const res = await this.request('/api/v1/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  }

  /** Stops the server; drops its database unless it was handed in by the caller. */
  async close(): Promise<void> {
    await this.app.close();
    rmSync(this.config.dataDir, { recursive: true, force: true });
    if (this.ownsDatabase) await this.db.drop();
  }
}

export interface StartOptions {
  /** Extra environment, as an operator would set it. */
  env?: Record<string, string>;
  /** Reuse a database (e.g. to restart over the same data); the caller drops it. */
  database?: TestDatabase;
  /** Keep this data directory (e.g. across a restart); the caller removes it. */
  dataDir?: string;
  /** Listen on this port instead of a random one (e.g. one PHAROS_PUBLIC_URL names). */
  port?: number;
  /** Log here (e.g. a test reading what was logged) instead of nowhere. */
  logger?: Logger;
}

export async function startPharos(options: StartOptions = {}): Promise<RunningPharos> {
  const db = options.database ?? (await createTestDatabase());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'pharos-data-'));
  const loaded = loadConfig({
    PHAROS_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: randomBytes(32).toString('hex'),
    PHAROS_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    ...options.env,
  });
  const config = new PharosConfig({ ...loaded, database: db.target, migrateOnStart: loaded.migrateOnStart && !db.migrated });
  const app = await createPharosApp(config, options.logger);
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return new RunningPharos(app, config, db, `http://127.0.0.1:${port}`, !options.database);
}
