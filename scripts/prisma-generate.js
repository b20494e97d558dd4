#!/usr/bin/env node
// Runs `prisma generate` offline. The Prisma CLI insists on locating its native schema engine
// before generating, although generation never uses it, and downloading it fails on machines
// without internet access. Pointing it at any executable file satisfies the check.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate', '--schema', path.join(__dirname, '..', 'prisma', 'schema.prisma')], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
