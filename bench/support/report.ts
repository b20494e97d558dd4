import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRow {
  metric: string;
  value: number | string;
  unit?: string;
  /** The same-run baseline this row is compared with, when there is one. */
  baseline?: number;
  /** value / baseline (or the inverse, as `ratioNote` says). */
  ratio?: number;
  goal?: string;
  met?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  quick: boolean;
  startedAt: string;
  machine: { cpus: number; model: string; memoryGiB: number; node: string };
  rows: BenchRow[];
  notes: string[];
}

export function machine(): BenchResult['machine'] {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

const fmt = (v: number | string | undefined, digits = 2) =>
  v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : v;

/** Prints the result as a table and writes it to bench/results/<name>-<time>.json. */
export function report(result: BenchResult): string {
  const header = ['metric', 'value', 'unit', 'baseline', 'ratio', 'goal', 'met'];
  const rows = result.rows.map((r) => [r.metric, fmt(r.value), r.unit ?? '', fmt(r.baseline), fmt(r.ratio, 3), r.goal ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => String(c).padEnd(widths[i]!)).join('  ');
  console.log(`\n## ${result.title}${result.quick ? ' (quick)' : ''}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r as string[]));
  for (const note of result.notes) console.log(`  note: ${note}`);
  const dir = path.join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.name}-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`  → ${path.relative(process.cwd(), file)}`);
  return file;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}
