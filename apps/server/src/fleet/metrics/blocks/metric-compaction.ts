import { Injectable } from '@nestjs/common';
import type { DbTransaction } from '../../../platform/database/transactions';
import { BlockStore, type TakenSample } from '../store/block-store';
import type { ServerBucket } from '../store/rollup-store';
import { BLOCK_COLUMNS, BLOCK_VERSION, type BlockSample, decodeBlock, encodeBlock } from './block-codec';

const MINUTE_MS = 60_000;
/** Blocks encoded between two yields to the event loop, so a large step never holds it long. */
const BLOCKS_PER_TURN = 50;

/**
 * Turns a minute's raw samples into its block and back, inside the caller's transaction (a
 * rollup step, `MetricRollupsService`): `compact` takes the raw rows of ended minutes and puts
 * one block per server and minute; `restore` takes the blocks of minutes to roll up again (a
 * late sample came) and puts their samples back as raw rows, so the rollup statements read
 * raw rows only.
 */
@Injectable()
export class MetricCompaction {
  constructor(private readonly blocks: BlockStore) {}

  /** Starts a step of these servers: locks their compaction until the transaction ends (see `START_STEP_SQL`). */
  startStep(serverIds: string[], tx: DbTransaction): Promise<void> {
    return this.blocks.startStep(serverIds, tx);
  }

  /** Puts the samples of these minutes' blocks (those that have one) back as raw rows; returns how many. */
  async restore(minutes: ServerBucket[], tx: DbTransaction): Promise<number> {
    if (minutes.length === 0) return 0;
    const taken = await this.blocks.takeBlocks(minutes, tx);
    if (taken.length === 0) return 0;
    const rows: string[] = [];
    for (const { serverId, data } of taken) for (const sample of decodeBlock(data)) rows.push(sampleRowJson(serverId, sample));
    await this.blocks.restoreSamples(`[${rows.join(',')}]`, tx);
    return rows.length;
  }

  /** Replaces the raw samples of these minutes by one block per server and minute; returns how many samples. */
  async compact(minutes: ServerBucket[], tx: DbTransaction): Promise<number> {
    if (minutes.length === 0) return 0;
    const taken = await this.blocks.takeSamples(minutes, tx);
    const byBlock = new Map<string, { serverId: string; minute: number; samples: BlockSample[] }>();
    for (const row of taken) {
      const minute = Math.floor(row.at / MINUTE_MS) * MINUTE_MS;
      const key = `${row.serverId} ${minute}`;
      let block = byBlock.get(key);
      if (!block) byBlock.set(key, (block = { serverId: row.serverId, minute, samples: [] }));
      block.samples.push(blockSample(row));
    }
    const encoded = [];
    let turn = 0;
    for (const { serverId, minute, samples } of byBlock.values()) {
      samples.sort((a, b) => a.at - b.at);
      encoded.push({ serverId, minute, samples: samples.length, data: encodeBlock(samples) });
      if (++turn % BLOCKS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await this.blocks.putBlocks(encoded, BLOCK_VERSION, tx);
    return taken.length;
  }
}

/** A float8 column's text as PostgreSQL prints it, as the number it stands for ("NaN", "-Infinity", "-0" included). */
function valueOf(text: string | number | null | undefined): number | null {
  return text === null || text === undefined ? null : Number(text);
}

function blockSample(row: TakenSample): BlockSample {
  return { at: row.at, values: BLOCK_COLUMNS.map((column) => valueOf(row[column])), series: row.series };
}

/** A value's exact text for a float8 column: what float8 input reads back as the same double. */
function exactText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** A restored sample as a row of `sampleRowsSql`: values as exact texts, the series jsonb text as it is. */
function sampleRowJson(serverId: string, sample: BlockSample): string {
  let row = `{"v_server":"${serverId}","v_at":"${new Date(sample.at).toISOString()}"`;
  BLOCK_COLUMNS.forEach((column, c) => {
    const value = sample.values[c];
    row += `,"v_${column}":${value === null || value === undefined ? 'null' : `"${exactText(value)}"`}`;
  });
  return `${row},"v_series":${sample.series ?? 'null'}}`;
}
