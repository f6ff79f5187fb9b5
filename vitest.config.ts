import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports": Node loads its CommonJS build for every package (Yoga, Pothos), but Vite would
    // give our sources the ESM build, a second copy whose GraphQLError fails Yoga's instanceof checks.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { NODE_ENV: 'test' },
    globalSetup: ['test/global-setup.ts'],
  },
});
