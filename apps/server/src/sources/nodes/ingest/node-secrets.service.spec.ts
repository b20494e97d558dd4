import type { PharosConfig } from '../../../platform/config/pharos-config';
import { InProcessFleetEventBus } from '../../../platform/events/fleet-event-bus';
import { TooManyRequestsError, UnauthorizedError } from '../../../platform/errors/domain-errors';
import { hashSecret } from '../../../platform/secrets/secret-token';
import type { NodeStore } from '../node.store';
import { NodeSecretsService } from './node-secrets.service';

/** The one lookup the service makes of its store, over an in-memory table (hashes asked for, per call). */
function fakeStore(rows: Map<string, { id: string; serverId: string; revokedAt: Date | null }>) {
  const lookups: string[] = [];
  const store = {
    lookupSecrets: async (asked: string[]) => {
      lookups.push(...asked);
      return asked.flatMap((secretHash) => {
        const row = rows.get(secretHash);
        return row && !row.revokedAt ? [{ id: row.id, secretHash, serverId: row.serverId, group: 'edge' }] : [];
      });
    },
  };
  return { store: store as unknown as NodeStore, lookups };
}

/** The service as Nest starts it, listening on its own bus. */
function service(store: NodeStore, config: PharosConfig) {
  const bus = new InProcessFleetEventBus();
  const secrets = new NodeSecretsService(store, bus, config);
  secrets.onModuleInit();
  return { secrets, bus };
}

describe('NodeSecretsService', () => {
  const config = { credentialMaxFailures: 3, credentialFailureWindowSeconds: 60 } as PharosConfig;
  const rows = new Map([[hashSecret('pnode_good'), { id: 'sec-1', serverId: 'srv-1', revokedAt: null as Date | null }]]);

  it('asks the database about a secret once, then answers from memory', async () => {
    const { store, lookups } = fakeStore(rows);
    const { secrets } = service(store, config);
    for (let i = 0; i < 5; i++) expect(await secrets.authenticate('pnode_good')).toEqual({ serverId: 'srv-1', secretId: 'sec-1', group: 'edge' });
    expect(lookups).toHaveLength(1);
  });

  it('remembers unknown secrets too, and never asks about a missing header', async () => {
    const { store, lookups } = fakeStore(rows);
    const { secrets } = service(store, config);
    for (let i = 0; i < 3; i++) await expect(secrets.authenticate('pnode_bad')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(secrets.authenticate(undefined)).rejects.toThrow('missing X-Node-Secret');
    await expect(secrets.authenticate(['a', 'b'])).rejects.toThrow('missing X-Node-Secret');
    expect(lookups).toHaveLength(1);
  });

  it('asks again once a node’s secrets changed (the event), and refuses a revoked secret', async () => {
    const table = new Map(rows);
    const { store, lookups } = fakeStore(table);
    const { secrets, bus } = service(store, config);
    await secrets.authenticate('pnode_good');
    table.set(hashSecret('pnode_good'), { id: 'sec-1', serverId: 'srv-1', revokedAt: new Date() });
    await secrets.authenticate('pnode_good'); // cached: the change was not announced
    bus.publish('node.secret-changed', 'srv-1', {});
    await expect(secrets.authenticate('pnode_good')).rejects.toThrow('unknown or revoked node secret');
    expect(lookups).toHaveLength(2);
  });

  it('does not cache a lookup that raced with a change of the node’s secrets', async () => {
    const { store, lookups } = fakeStore(rows);
    const { secrets, bus } = service(store, config);
    const pending = secrets.authenticate('pnode_good');
    bus.publish('node.secret-changed', 'srv-1', {});
    await pending;
    await secrets.authenticate('pnode_good');
    expect(lookups).toHaveLength(2);
  });

  it('answers 429 without a lookup to an address that failed too often, but still takes a node it has seen succeed', async () => {
    const { store, lookups } = fakeStore(rows);
    const { secrets } = service(store, config);
    await secrets.authenticate('pnode_good', '203.0.113.7');
    for (let i = 0; i < 3; i++) await expect(secrets.authenticate('pnode_wrong', '203.0.113.7')).rejects.toBeInstanceOf(UnauthorizedError);
    for (let i = 0; i < 5; i++) await expect(secrets.authenticate(undefined, '198.51.100.1')).rejects.toBeInstanceOf(UnauthorizedError);
    const lookupsBefore = lookups.length;

    const refused = await secrets.authenticate('pnode_another-guess', '203.0.113.7').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(0);
    expect(lookups).toHaveLength(lookupsBefore);
    // A node behind the same NAT address keeps reporting; other addresses are not concerned.
    expect(await secrets.authenticate('pnode_good', '203.0.113.7')).toMatchObject({ serverId: 'srv-1' });
    await expect(secrets.authenticate('pnode_bad', '198.51.100.1')).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
