import { Injectable } from '@nestjs/common';
import type { EntitySeriesName, MetricColumn } from '../metric-series';
import { BlockStore } from '../store/block-store';
import { MetricStore } from '../store/metric-store';
import { BLOCK_COLUMNS, readBlock } from './block-codec';

/** One sample as a reader visits it: its headline values (in the order asked for) and the per-entity values of the metrics asked for. */
export interface VisitedSample {
  serverId: string;
  at: number;
  values: (number | null)[];
  /** Metric → entity → value (only the metrics asked for, only the entities the sample has). */
  entities: Map<string, Map<string, number>>;
}

/**
 * Reads the raw-resolution history — blocks and the raw rows not compacted yet — as one
 * sequence of samples per server in time order, so every reader of raw samples (raw charts,
 * sparklines) gives the same answer before and after a minute is compacted. A sample both in a
 * block and raw (stored late with a time the block has) counts once, as the block's: the first
 * stored is kept, as for a repeated time.
 */
@Injectable()
export class SampleReader {
  constructor(
    private readonly store: MetricStore,
    private readonly blocks: BlockStore,
  ) {}

  /** Visits every sample of these servers in [from, to), each server's in time order. */
  async visit(
    serverIds: string[],
    from: Date,
    to: Date,
    columns: readonly MetricColumn[],
    metrics: readonly EntitySeriesName[],
    visit: (sample: VisitedSample) => void,
  ): Promise<void> {
    const [blocks, raw] = await Promise.all([
      serverIds.length === 1 ? this.blocks.blocksOf(serverIds[0]!, from, to).then((rows) => rows.map((r) => ({ ...r, serverId: serverIds[0]!.toLowerCase() }))) : this.blocks.blocksOfServers(serverIds, from, to),
      this.store.rawSamples(serverIds, from, to, columns, metrics.length > 0),
    ]);
    const indexes = columns.map((column) => BLOCK_COLUMNS.indexOf(column));
    const fromMs = from.getTime();
    const toMs = to.getTime();
    const rawByServer = new Map<string, typeof raw>();
    for (const row of raw) {
      let rows = rawByServer.get(row.serverId);
      if (!rows) rawByServer.set(row.serverId, (rows = []));
      rows.push(row);
    }
    const blocksByServer = new Map<string, typeof blocks>();
    for (const block of blocks) {
      let rows = blocksByServer.get(block.serverId);
      if (!rows) blocksByServer.set(block.serverId, (rows = []));
      rows.push(block);
    }
    for (const serverId of new Set([...blocksByServer.keys(), ...rawByServer.keys()])) {
      const rawRows = rawByServer.get(serverId) ?? [];
      let r = 0;
      const visitRaw = (until: number) => {
        for (; r < rawRows.length && rawRows[r]!.at < until; r++) {
          const row = rawRows[r]!;
          visit({ serverId, at: row.at, values: columns.map((c) => row[c] as number | null), entities: entitiesOfText(row.series, metrics) });
        }
      };
      for (const block of (blocksByServer.get(serverId) ?? []).sort((a, b) => a.minute - b.minute)) {
        const read = readBlock(block.data, indexes, metrics);
        read.at.forEach((at, i) => {
          if (at < fromMs || at >= toMs) return;
          visitRaw(at);
          if (r < rawRows.length && rawRows[r]!.at === at) r++; // the block's sample is kept
          const entities = new Map<string, Map<string, number>>();
          for (const [metric, byEntity] of read.entities) {
            const values = new Map<string, number>();
            for (const [entity, column] of byEntity) if (column[i] !== null) values.set(entity, column[i]!);
            if (values.size > 0) entities.set(metric, values);
          }
          visit({ serverId, at, values: read.columns.map((column) => column[i]!), entities });
        });
      }
      visitRaw(Infinity);
    }
  }
}

/** The per-entity values of `metrics` in a series text, as `::double precision` reads them. */
function entitiesOfText(text: string | null, metrics: readonly string[]): Map<string, Map<string, number>> {
  const entities = new Map<string, Map<string, number>>();
  if (text === null || metrics.length === 0) return entities;
  const series = JSON.parse(text) as Record<string, unknown>;
  for (const metric of metrics) {
    const byEntity = series[metric];
    if (typeof byEntity !== 'object' || byEntity === null) continue;
    const values = new Map<string, number>();
    for (const [entity, value] of Object.entries(byEntity)) if (typeof value === 'number') values.set(entity, value);
    if (values.size > 0) entities.set(metric, values);
  }
  return entities;
}
