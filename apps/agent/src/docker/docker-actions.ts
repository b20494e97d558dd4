import { DOCKER_ACTIONS, DOCKER_LOGS_ACTION } from '@pharos/protocol/agent-ws';
import { lastBytes, storableText } from '../exec/capped-output';
import type { DockerEngine, EngineResponse } from './docker-engine';
import { demuxLogStream, isMultiplexed } from './log-stream';

/** A `docker_response` without its type and id. */
export interface DockerResult {
  success: boolean;
  message: string;
}

interface ActionRoute {
  method: 'POST' | 'DELETE';
  path: (id: string) => string;
  done: string;
  /** What a 304 means: the container was already in the state asked for. */
  already?: string;
}

/** The seed's actions, as the Docker Engine API routes them (daemon/server/router/container). */
const ROUTES: Record<(typeof DOCKER_ACTIONS)[number], ActionRoute> = {
  start: { method: 'POST', path: (id) => `/containers/${id}/start`, done: 'Container started', already: 'Container already started' },
  stop: { method: 'POST', path: (id) => `/containers/${id}/stop`, done: 'Container stopped', already: 'Container already stopped' },
  restart: { method: 'POST', path: (id) => `/containers/${id}/restart`, done: 'Container restarted' },
  kill: { method: 'POST', path: (id) => `/containers/${id}/kill`, done: 'Container killed' },
  pause: { method: 'POST', path: (id) => `/containers/${id}/pause`, done: 'Container paused' },
  unpause: { method: 'POST', path: (id) => `/containers/${id}/unpause`, done: 'Container unpaused' },
  // Without force: a running container is refused (409), as `docker rm` without -f does.
  remove: { method: 'DELETE', path: (id) => `/containers/${id}`, done: 'Container removed' },
};

export const DEFAULT_LOG_TAIL = 100;

export interface DockerActionOptions {
  /** Lines of `logs`. */
  tail?: number;
  /** Bytes of logs sent back (the newest). */
  outputCapBytes: number;
}

/** Runs one action; every failure (refused, unknown container, no daemon) is a result too. */
export async function runDockerAction(engine: DockerEngine, action: string, containerId: string, options: DockerActionOptions): Promise<DockerResult> {
  const id = encodeURIComponent(containerId);
  try {
    if (action === DOCKER_LOGS_ACTION) return await containerLogs(engine, id, options);
    if (!Object.hasOwn(ROUTES, action)) return { success: false, message: `Unknown Docker action "${action}" (this agent knows ${[...DOCKER_ACTIONS, DOCKER_LOGS_ACTION].join(', ')})` };
    const route = ROUTES[action as keyof typeof ROUTES];
    const response = await engine.request(route.method, route.path(id));
    if (response.status === 204) return { success: true, message: route.done };
    if (response.status === 304 && route.already) return { success: true, message: route.already };
    return { success: false, message: engineError(response) };
  } catch (error) {
    return { success: false, message: `Docker Engine API unreachable at ${engine.socketPath}: ${(error as Error).message}` };
  }
}

async function containerLogs(engine: DockerEngine, id: string, options: DockerActionOptions): Promise<DockerResult> {
  const response = await engine.request('GET', `/containers/${id}/logs`, { stdout: 1, stderr: 1, tail: options.tail ?? DEFAULT_LOG_TAIL });
  if (response.status !== 200) return { success: false, message: engineError(response) };
  // Before API 1.42 a multiplexed stream is labelled raw: its frame headers tell it apart.
  const multiplexed = response.contentType.includes('multiplexed-stream') || isMultiplexed(response.body);
  const { kept, dropped } = lastBytes(multiplexed ? demuxLogStream(response.body) : response.body, options.outputCapBytes);
  const text = storableText(kept);
  return { success: true, message: dropped > 0 ? `[${dropped} older bytes not sent: the agent's output cap is ${options.outputCapBytes} bytes]\n${text}` : text };
}

/** The daemon's own words: errors are `{"message": "…"}` (daemon/server/server.go). */
function engineError(response: EngineResponse): string {
  try {
    const parsed = JSON.parse(response.body.toString('utf8')) as { message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message) return parsed.message;
  } catch {
    // Not JSON (a proxy in between, an API older than 1.24): fall through.
  }
  const text = storableText(response.body).trim();
  return text ? `Docker Engine API answered ${response.status}: ${text.slice(0, 500)}` : `Docker Engine API answered ${response.status}`;
}
