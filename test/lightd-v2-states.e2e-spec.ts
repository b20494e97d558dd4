import { PrismaService } from '@pharos/database';
import { eventually } from './support/eventually';
import { FakeLightdDaemon } from './support/fake-lightd-daemon';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

const API_TOKEN = 'lightd_3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c';

/**
 * Container states as a Lightd v2 daemon reports them (docs/protocols/lightd-remote.md §3):
 * the four-step install, reinstalls, failures, with the daemon's own API reachable to confirm.
 */
describe('Lightd v2 container states', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let daemon: FakeLightdDaemon;
  let daemonId: string;

  const container = (internalId: string) => prisma.lightdContainer.findUniqueOrThrow({ where: { daemonId_internalId: { daemonId, internalId } } });
  const history = async (internalId: string) =>
    (await prisma.lightdUpdate.findMany({ where: { containerId: (await container(internalId)).id }, orderBy: { id: 'asc' } })).map((u) => `${u.event}:${u.status ?? u.error}`);

  beforeAll(async () => {
    pharos = await startPharos();
    prisma = pharos.app.get(PrismaService);
    const admin = await pharos.login();
    // The daemon needs Pharos's remote token, and Pharos the daemon's URL: register on a placeholder first.
    const registered = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-v2', apiUrl: 'http://127.0.0.1:9', apiToken: API_TOKEN } });
    daemonId = registered.body.daemon.id;
    daemon = await FakeLightdDaemon.start({ masterToken: API_TOKEN, remote: { url: `${pharos.baseUrl}/api/lightd`, token: registered.body.remoteToken }, postStartCheckMs: 100 });
    await pharos.request(`/api/v1/lightd/daemons/${daemonId}`, { method: 'PATCH', token: admin, body: { apiUrl: daemon.apiUrl } });
  });
  afterAll(async () => {
    await pharos.close();
    await daemon.close();
  });

  it('ends a four-step install (installing, installing, ready, installing) ready, every update kept, the doubt confirmed by the daemon', async () => {
    const answers = await daemon.install('mc-1');
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await container('mc-1')).toMatchObject({ status: 'ready' });
    // The post-start `installing` was put to the daemon's API, which said ready; that is on record too.
    await eventually(async () => expect(await history('mc-1')).toContain('status_check:ready'));
    const kept = await history('mc-1');
    expect(kept.filter((h) => h.startsWith('update:')).sort()).toEqual(['update:installing', 'update:installing', 'update:installing', 'update:ready']);
    expect(daemon.statusRequests.at(-1)).toEqual({ internalId: 'mc-1', authorization: `Bearer ${API_TOKEN}`, accept: 'Application/vnd.pkglatv1+json' });
    expect((await container('mc-1')).status).toBe('ready');
    const log = await prisma.eventLogEntry.findMany({ where: { subjectId: (await container('mc-1')).id }, orderBy: { id: 'asc' } });
    expect(log.map((e) => e.message)).toEqual(['Container mc-1: installing', 'Container mc-1: ready (was installing)']);
  });

  it('shows a reinstall someone started on the daemon as installing (its API says so), then ready', async () => {
    let finish!: () => void;
    const installed = new Promise<void>((resolve) => (finish = resolve));
    const reinstalling = daemon.reinstall('mc-1', installed);
    await eventually(async () => expect((await container('mc-1')).status).toBe('installing'));
    expect(await history('mc-1')).toContain('status_check:installing');
    finish();
    expect((await reinstalling).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await eventually(async () => expect((await history('mc-1')).filter((h) => h === 'status_check:ready')).toHaveLength(2));
    expect((await container('mc-1')).status).toBe('ready');
    const log = await prisma.eventLogEntry.findMany({ where: { subjectId: (await container('mc-1')).id }, orderBy: { id: 'asc' } });
    expect(log.map((e) => e.message).slice(2)).toEqual(["Container mc-1: installing (was ready) (confirmed by the daemon's API)", 'Container mc-1: ready (was installing)']);
  });

  it('lets an error win, and does not let an installing fired just before it flip it back', async () => {
    daemon.addContainer('mc-2', { installState: 'installing', running: false });
    expect((await daemon.fail('mc-2', 'Failed to pull image: manifest unknown')).status).toBe(200);
    // Started (installing) was fired a few milliseconds before the error, and arrives after it.
    expect((await daemon.notify('mc-2', 'installing')).status).toBe(200);
    await eventually(async () => expect(await history('mc-2')).toEqual(['update:failed', 'update:installing', 'status_check:failed']));
    expect(await container('mc-2')).toMatchObject({ status: 'failed', lastError: 'failed', lastErrorData: 'Failed to pull image: manifest unknown' });
    // An error always wins, also over a ready container.
    expect((await daemon.fail('mc-1', 'Failed to start container: port is already allocated')).status).toBe(200);
    expect((await container('mc-1')).status).toBe('failed');
  });
});
