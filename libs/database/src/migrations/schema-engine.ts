import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type * as WasmBindings from '@prisma/schema-engine-wasm';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type SchemaEngine = WasmBindings.SchemaEngine;
export type { MigrationList } from '@prisma/schema-engine-wasm';

/**
 * Prisma's schema engine, as WebAssembly: the native engine the Prisma CLI downloads cannot be
 * fetched on every machine, the Wasm build ships inside its npm package. The module is
 * instantiated once per process; each engine instance talks to the database through a Prisma
 * driver adapter.
 */
/** The part of the WebAssembly global used here (its types live in lib.dom, not in Node's). */
interface WasmRuntime {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmRuntime };

let bindings: Promise<typeof WasmBindings> | undefined;

function loadBindings(): Promise<typeof WasmBindings> {
  bindings ??= (async () => {
    // The package's own entry imports the .wasm as an ES module, which Node cannot do; its
    // generated glue is loaded instead and handed the instantiated module.
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as typeof WasmBindings & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const packageDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
    const bytes = await readFile(path.join(packageDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return bindings;
}

/**
 * The engine arms timers (e.g. a 10 s one after each command) that would keep a finished CLI
 * or test process alive; they must not, so they are unref'd.
 */
function withUnrefTimers(glue: object): object {
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, fn] of Object.entries(imports)) {
    if (name.startsWith('__wbg_setTimeout_') && typeof fn === 'function') {
      imports[name] = (...args: unknown[]) => {
        const timer = fn(...args) as NodeJS.Timeout;
        timer?.unref?.();
        return timer;
      };
    }
  }
  return imports;
}

export interface SchemaFile {
  path: string;
  content: string;
}

export const NO_SCHEMA_FILTER = { externalTables: [], externalEnums: [] };

/** Runs `work` with a fresh engine over `adapterFactory`, and frees the engine afterwards. */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema: SchemaFile,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const wasm = await loadBindings();
  const engineLog: string[] = [];
  const engine = await wasm.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (line: string) => engineLog.push(line),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  try {
    return await work(engine);
  } catch (error) {
    throw new SchemaEngineError(error, engineLog);
  } finally {
    engine.free();
  }
}

export class SchemaEngineError extends Error {
  constructor(cause: unknown, readonly engineLog: string[]) {
    super(describeEngineError(cause), { cause });
    this.name = 'SchemaEngineError';
  }
}

function describeEngineError(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (cause && typeof cause === 'object' && 'message' in cause) return String(cause.message);
  return String(cause);
}
