import { Injectable } from '@nestjs/common';
import { type AgentApiKey, PrismaService, type ServerSource } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** A new key, by its hash: the key itself is never stored. */
export interface AgentKeyToStore {
  serverId: string;
  keyHash: string;
  prefix: string;
  createdById: string;
}

/** What authenticating a key needs to know of it and of its server. */
export interface AgentKeyLookup {
  id: string;
  serverId: string;
  prefix: string;
  revokedAt: Date | null;
  server: { deletedAt: Date | null; source: ServerSource };
}

/** Agent API keys' SQL: one row per key, hanging off its server; revoked keys are kept. */
@Injectable()
export class AgentKeyStore {
  constructor(private readonly prisma: PrismaService) {}

  create(key: AgentKeyToStore, tx: DbTransaction): Promise<AgentApiKey> {
    return tx.agentApiKey.create({ data: key });
  }

  /** The server's keys, oldest first. */
  keysOf(serverId: string): Promise<AgentApiKey[]> {
    return this.prisma.agentApiKey.findMany({ where: { serverId }, orderBy: { createdAt: 'asc' } });
  }

  /** The key, if it is one of the server's. */
  findOfServer(id: string, serverId: string): Promise<AgentApiKey | null> {
    return this.prisma.agentApiKey.findFirst({ where: { id, serverId } });
  }

  revoke(id: string, at: Date, tx: DbTransaction): Promise<AgentApiKey> {
    return tx.agentApiKey.update({ where: { id }, data: { revokedAt: at } });
  }

  /** A key by its hash, with whether its server is still an agent server. */
  lookup(keyHash: string): Promise<AgentKeyLookup | null> {
    return this.prisma.agentApiKey.findUnique({
      where: { keyHash },
      select: { id: true, serverId: true, prefix: true, revokedAt: true, server: { select: { deletedAt: true, source: true } } },
    });
  }

  /** Sets the key's last use unless it is revoked; false when it is (or is gone). */
  async markUsed(id: string, at: Date): Promise<boolean> {
    const updated = await this.prisma.agentApiKey.updateMany({ where: { id, revokedAt: null }, data: { lastUsedAt: at } });
    return updated.count > 0;
  }
}
