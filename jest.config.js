// Three suites: unit tests beside the code; e2e tests that boot Pharos against a real
// PostgreSQL (a fresh database per test file, cloned from a migrated template); and a smaller
// e2e suite on embedded PGlite. Without a Postgres (a laptop, not CI), the e2e suite runs on
// PGlite and says so.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  // Dependencies shipped only as ES modules are compiled like our own code (the schema
  // engine's Wasm glue; content-disposition under @fastify/static; openid-client and its
  // oauth4webapi and jose, which the built server loads with Node's require(esm)).
  transformIgnorePatterns: ['/node_modules/(?!(@prisma/schema-engine-wasm|content-disposition|openid-client|oauth4webapi|jose)/)'],
  moduleNameMapper: {
    '^@pharos/protocol$': '<rootDir>/libs/protocol/src',
    '^@pharos/protocol/(.*)$': '<rootDir>/libs/protocol/src/$1',
    '^@pharos/database$': '<rootDir>/libs/database/src',
    '^@pharos/database/(.*)$': '<rootDir>/libs/database/src/$1',
  },
};

module.exports = {
  // Time limits guard against hangs only; no test asserts on speed.
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/pglite/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'e2e-pglite',
      testMatch: ['<rootDir>/test/pglite/**/*.e2e-spec.ts'],
    },
  ],
};
