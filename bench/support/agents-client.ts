/**
 * The agents benchmark's load: its own process (so the measured server is not sharing an event
 * loop with its clients), run with a raised open-files limit. Reads its plan from the JSON file
 * named by AGENTS_CLIENT_PLAN, ramps up agent connections at the given rate, authenticates
 * each with its key, sends a realistic `metrics` message every interval from each, holds, then
 * prints one JSON line with what it did and exits. Bounded in count and time.
 */
import { AGENT_WS_PATH } from '@pharos/protocol';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { AgentHostModel } from '../../apps/simulator/src/agent-messages';
import { disableAllocationSitePretenuring } from '../../apps/server/src/platform/runtime/v8-tuning';

interface Plan {
  wsUrl: string;
  keys: string[];
  rampPerSecond: number;
  holdMs: number;
  intervalMs: number;
}

const plan = JSON.parse(readFileSync(process.env.AGENTS_CLIENT_PLAN!, 'utf8')) as Plan;
const result = { connected: 0, authenticated: 0, refused: 0, droppedEarly: 0, sent: 0, errors: [] as string[], rampMs: 0, holdMs: 0 };
const sockets: WebSocket[] = [];
const timers: NodeJS.Timeout[] = [];
let sending = true;
const started = Date.now();
// Whatever happens, this process ends: ramp + hold + 60 s.
const hardStop = setTimeout(() => finish('hard time limit'), (plan.keys.length / plan.rampPerSecond) * 1000 + plan.holdMs + 60_000);

function note(error: string): void {
  if (result.errors.length < 10) result.errors.push(error);
}

function open(index: number): Promise<void> {
  return new Promise((resolve) => {
    const host = new AgentHostModel(`bench-agent-${index}`);
    const ws = new WebSocket(`${plan.wsUrl}${AGENT_WS_PATH}`, { perMessageDeflate: false });
    sockets.push(ws);
    let serverId = '';
    let ready = false;
    ws.on('open', () => {
      result.connected++;
      ws.send(JSON.stringify({ type: 'auth', api_key: plan.keys[index] }));
    });
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; server_id?: string; message?: string };
      if (message.type === 'auth_success' && !ready) {
        ready = true;
        serverId = message.server_id!;
        result.authenticated++;
        resolve();
        const send = () => {
          if (!sending || ws.readyState !== WebSocket.OPEN) return;
          ws.send(JSON.stringify(host.metrics(serverId, Date.now())));
          result.sent++;
        };
        const first = setTimeout(() => {
          send();
          timers.push(setInterval(send, plan.intervalMs));
        }, Math.random() * plan.intervalMs);
        timers.push(first);
      } else if (message.type === 'error') {
        note(`server said: ${message.message}`);
      }
    });
    ws.on('error', (error) => note(error.message));
    ws.on('close', (code) => {
      if (!ready) {
        result.refused++;
        note(`closed before auth (${code})`);
        resolve();
      } else if (sending) {
        result.droppedEarly++;
        note(`closed while sending (${code})`);
      }
    });
  });
}

function finish(why: string): void {
  sending = false;
  clearTimeout(hardStop);
  for (const t of timers) clearTimeout(t);
  if (why !== 'done') note(why);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  setTimeout(() => process.exit(0), 3000).unref();
}

async function main(): Promise<void> {
  const pending: Promise<void>[] = [];
  const perTick = Math.max(1, Math.round(plan.rampPerSecond / 20));
  for (let i = 0; i < plan.keys.length; i += perTick) {
    for (let j = i; j < Math.min(i + perTick, plan.keys.length); j++) pending.push(open(j));
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 60_000))]);
  result.rampMs = Date.now() - started;
  process.stderr.write(`ramp done: ${result.authenticated}/${plan.keys.length} authenticated in ${result.rampMs} ms\n`);
  await new Promise((r) => setTimeout(r, plan.holdMs));
  result.holdMs = Date.now() - started - result.rampMs;
  finish('done');
}

// As in Pharos (see v8-tuning.ts): the generator's own collections count in what it measures.
disableAllocationSitePretenuring();
void main();
