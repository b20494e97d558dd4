import { PrismaService } from '@pharos/database';
import { eventually } from './support/eventually';
import { enrolAgentServer, FakeAgent } from './support/fake-agent';
import { openLiveSocket } from './support/live-socket';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

describe('commands and Docker actions', () => {
  let pharos: RunningPharos;
  let token: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    pharos = await startPharos({ env: { COMMAND_SWEEP_SECONDS: '0.2', COMMAND_RESPONSE_TIMEOUT_SECONDS: '1.5' } });
    token = await pharos.login();
    prisma = pharos.app.get(PrismaService);
  });
  afterAll(() => pharos.close());

  const run = (serverId: string, body: Record<string, unknown>) => pharos.request(`/api/v1/servers/${serverId}/commands`, { token, body });
  const docker = (serverId: string, body: Record<string, unknown>) => pharos.request(`/api/v1/servers/${serverId}/docker-commands`, { token, body });
  const command = async (id: string) => (await pharos.request(`/api/v1/commands/${id}`, { token })).body;

  it('runs a shell command on a connected agent, stores the answer, and pushes it to the logs socket', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'cmd-shell-1');
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    const logs = await openLiveSocket(pharos.wsUrl, 'logs', serverId, token);

    const created = await run(serverId, { command: 'ls -la' });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ serverId, kind: 'shell', command: 'ls -la', state: 'sent', sentAt: expect.any(String), completedAt: null });

    const received = await agent.nextCommand();
    expect(received).toEqual({ type: 'command', command_id: created.body.id, command: 'ls -la' });
    agent.answer(received, { output: 'total 100\n-rw-r--r-- 1 root root 0 a\n', exit_code: 0, duration_ms: 150 });

    const entry = await logs.nextMatching((m) => m.type === 'log' && m.data.kind === 'command.completed');
    expect(entry.data).toMatchObject({
      level: 'INFO',
      message: 'Command `ls -la` exited with 0 in 150 ms',
      timestamp: expect.any(String),
      data: { commandId: created.body.id, exitCode: 0, durationMs: 150, output: 'total 100\n-rw-r--r-- 1 root root 0 a\n' },
    });
    expect(await command(created.body.id)).toMatchObject({ state: 'completed', output: 'total 100\n-rw-r--r-- 1 root root 0 a\n', exitCode: 0, durationMs: 150 });

    const audit = await prisma.auditEntry.findMany({ where: { targetId: serverId, action: 'command.run' } });
    expect(audit).toEqual([expect.objectContaining({ actorName: 'admin', data: { commandId: created.body.id, command: 'ls -la' } })]);

    // A non-zero exit is a failed command, with its output kept.
    const failing = await run(serverId, { command: 'false' });
    agent.answer(await agent.nextCommand(), { output: '', exit_code: 1, duration_ms: 2 });
    await eventually(async () => expect(await command(failing.body.id)).toMatchObject({ state: 'failed', exitCode: 1 }));
    agent.close();
    logs.close();
  });

  it('runs a Docker action round trip, success and failure', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'cmd-docker-1');
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);

    const restart = await docker(serverId, { action: 'restart', containerId: 'web-1' });
    expect(restart.status).toBe(202);
    expect(restart.body).toMatchObject({ kind: 'docker', action: 'restart', containerId: 'web-1', command: null, state: 'sent' });
    const received = await agent.nextDockerCommand();
    expect(received).toEqual({ type: 'docker_command', command_id: restart.body.id, action: 'restart', container_id: 'web-1' });
    agent.answerDocker(received, { success: true, message: 'Container restarted' });
    await eventually(async () => expect(await command(restart.body.id)).toMatchObject({ state: 'completed', success: true, message: 'Container restarted' }));

    const kill = await docker(serverId, { action: 'kill', containerId: 'gone' });
    agent.answerDocker(await agent.nextDockerCommand(), { success: false, message: 'No such container: gone' });
    await eventually(async () => expect(await command(kill.body.id)).toMatchObject({ state: 'failed', success: false }));

    const events = (await pharos.request(`/api/v1/servers/${serverId}/events`, { token })).body.items.map((e: any) => [e.kind, e.message]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['docker.completed', 'Docker restart of container web-1 succeeded: Container restarted'],
        ['docker.failed', 'Docker kill of container gone failed: No such container: gone'],
      ]),
    );
    expect((await prisma.auditEntry.count({ where: { targetId: serverId, action: 'command.docker' } }))).toBe(2);
    agent.close();
  });

  it('queues commands while the agent is offline and delivers them in order when it reconnects', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'cmd-queue-1');
    const first = await run(serverId, { command: 'uptime' });
    const second = await docker(serverId, { action: 'stop', containerId: 'db' });
    expect([first.body.state, second.body.state]).toEqual(['pending', 'pending']);
    expect((await pharos.request(`/api/v1/servers/${serverId}/commands?state=pending`, { token })).body.total).toBe(2);

    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    const a = await agent.next();
    const b = await agent.next();
    expect(a).toEqual({ type: 'command', command_id: first.body.id, command: 'uptime' });
    expect(b).toEqual({ type: 'docker_command', command_id: second.body.id, action: 'stop', container_id: 'db' });
    expect((await command(first.body.id)).state).toBe('sent');
    agent.answer(a as any, { output: 'up 3 days', exit_code: 0, duration_ms: 4 });
    agent.answerDocker(b as any, { success: true, message: 'Container stopped' });
    await eventually(async () => expect((await command(second.body.id)).state).toBe('completed'));
    expect((await command(first.body.id)).output).toBe('up 3 days');

    // Reconnecting again delivers nothing twice.
    agent.close();
    await agent.closed;
    const again = await FakeAgent.connect(pharos.wsUrl, apiKey);
    await expect(again.next(300)).rejects.toThrow('no message');
    again.close();
  });

  it('keeps the first answer for a command and ignores repeats and answers from another server', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'cmd-dup-1');
    const other = await enrolAgentServer(pharos, token, 'cmd-dup-2');
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    const intruder = await FakeAgent.connect(pharos.wsUrl, other.apiKey);
    const logs = await openLiveSocket(pharos.wsUrl, 'logs', serverId, token);

    const created = await run(serverId, { command: 'hostname' });
    const received = await agent.nextCommand();
    intruder.answer(received, { output: 'forged', exit_code: 0, duration_ms: 1 });
    agent.answer(received, { output: 'web-1', exit_code: 0, duration_ms: 3 });
    agent.answer(received, { output: 'again', exit_code: 7, duration_ms: 9 });
    await logs.nextMatching((m) => m.data?.kind === 'command.completed');
    // Each connection handles its messages in order: past the pong, the answers were handled.
    for (const sender of [agent, intruder]) {
      sender.send({ type: 'ping' });
      expect(await sender.next()).toEqual({ type: 'pong' });
    }
    expect(await command(created.body.id)).toMatchObject({ state: 'completed', output: 'web-1', exitCode: 0 });
    const results = await prisma.eventLogEntry.count({ where: { subjectId: serverId, kind: { startsWith: 'command.' }, NOT: { kind: 'command.requested' } } });
    expect(results).toBe(1);
    agent.close();
    intruder.close();
    logs.close();
  });

  it('times out a command that waits past its expiry, and one the agent never answers', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'cmd-expiry-1');
    const waiting = await run(serverId, { command: 'sleep 1', expiresInSeconds: 1 });
    await eventually(async () => expect(await command(waiting.body.id)).toMatchObject({ state: 'timed_out', message: 'the agent did not connect before the command expired' }));

    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    await expect(agent.next(300)).rejects.toThrow('no message');
    const unanswered = await run(serverId, { command: 'cat /dev/zero' });
    await agent.nextCommand();
    await eventually(async () => expect(await command(unanswered.body.id)).toMatchObject({ state: 'timed_out', message: 'the agent did not answer in time' }));
    const kinds = (await pharos.request(`/api/v1/servers/${serverId}/events`, { token })).body.items.map((e: any) => e.kind);
    expect(kinds.filter((k: string) => k === 'command.timed_out')).toHaveLength(2);
    agent.close();
  });

  it('refuses commands for a server with commands disabled, bad input, unknown servers and viewers', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'cmd-refuse-1');
    const queued = await run(serverId, { command: 'echo queued before the switch' });
    await pharos.request(`/api/v1/servers/${serverId}`, { method: 'PATCH', token, body: { commandsEnabled: false } });
    const refused = await run(serverId, { command: 'whoami' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(`command execution is disabled for server ${serverId}`);

    // What was queued before the switch is not delivered.
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    await eventually(async () => expect(await command(queued.body.id)).toMatchObject({ state: 'failed', message: 'command execution was disabled for this server' }));
    expect(agent.pending).toBe(0);
    agent.close();

    const badAction = await docker(serverId, { action: 'explode', containerId: 'x' });
    expect(badAction.status).toBe(400);
    expect(badAction.body.field).toBe('action');
    expect((await docker(serverId, { action: 'stop', containerId: '../etc' })).body.field).toBe('containerId');
    expect((await run(serverId, { command: '' })).body.field).toBe('command');
    expect((await run('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', { command: 'ls' })).status).toBe(404);
    expect((await pharos.request('/api/v1/commands/nope', { token })).status).toBe(404);

    await pharos.app.get(PrismaService).user.create({
      data: { username: 'viewer1', passwordHash: (await prisma.user.findFirstOrThrow()).passwordHash, role: 'viewer' },
    });
    const viewer = await pharos.login('viewer1');
    expect((await pharos.request(`/api/v1/servers/${serverId}/commands`, { token: viewer, body: { command: 'ls' } })).status).toBe(403);
    expect((await pharos.request(`/api/v1/servers/${serverId}/commands`, { token: viewer })).status).toBe(200);
  });
});
