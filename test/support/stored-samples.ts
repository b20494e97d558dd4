import type { PrismaService } from '@pharos/database';
import { BLOCK_COLUMNS, decodeBlock } from '../../apps/server/src/fleet/metrics/blocks/block-codec';

/**
 * The metric samples stored for servers, wherever they are: raw rows (`MetricSample`) and the
 * minutes the rollup flush compacted into blocks (`MetricBlock`). Tests count and read samples
 * through these, since a minute that ended may be compacted at any flush.
 */
export async function storedSampleCount(prisma: PrismaService, serverIds: string | string[]): Promise<number> {
  const ids = typeof serverIds === 'string' ? [serverIds] : serverIds;
  const [raw, blocks] = await Promise.all([
    prisma.metricSample.count({ where: { serverId: { in: ids } } }),
    prisma.metricBlock.aggregate({ where: { serverId: { in: ids } }, _sum: { samples: true } }),
  ]);
  return raw + (blocks._sum.samples ?? 0);
}

/** A stored sample as a raw row reads (`serverId`, `at`, each headline column, `series`). */
export type StoredSample = { serverId: string; at: Date; series: unknown } & Record<string, unknown>;

/** Every sample stored for a server, oldest first: raw rows and the samples of its blocks. */
export async function storedSamples(prisma: PrismaService, serverId: string): Promise<StoredSample[]> {
  const [raw, blocks] = await Promise.all([
    prisma.metricSample.findMany({ where: { serverId } }),
    prisma.metricBlock.findMany({ where: { serverId } }),
  ]);
  const fromBlocks = blocks.flatMap((block) =>
    decodeBlock(block.data).map((sample) => ({
      serverId,
      at: new Date(sample.at),
      ...Object.fromEntries(BLOCK_COLUMNS.map((column, c) => [column, sample.values[c]])),
      series: sample.series === null ? null : (JSON.parse(sample.series) as unknown),
    })),
  );
  return [...(raw as StoredSample[]), ...fromBlocks].sort((a, b) => a.at.getTime() - b.at.getTime());
}
