// Builds dist/pharos-agent.js: the agent's code and the wire types it shares with Pharos
// (libs/protocol, with TypeBox) in one file. The npm dependencies stay outside, installed
// beside it: node-pty is a native addon, ws and systeminformation load optional parts at run time.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
const outfile = path.join(here, 'dist', 'pharos-agent.js');

await build({
  entryPoints: [path.join(here, 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  // @pharos/protocol is found through the repository's tsconfig paths.
  tsconfig: path.join(here, '..', '..', 'tsconfig.json'),
  // Where libs/protocol's own imports (TypeBox) are looked for when the repository's root
  // node_modules is absent (the agent's Docker image builds with the agent's alone).
  nodePaths: [path.join(here, 'node_modules')],
  external: Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((name) => name !== '@sinclair/typebox'),
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
