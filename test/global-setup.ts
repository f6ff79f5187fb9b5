// Once per test run: one migrated SQLite template that each test database is copied from (faster than migrating
// each one), and a note when PostgreSQL tests will be skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../server/db/migrate.js';
import { postgresAvailable } from './helpers/db.js';
import { ensureHelpSiteBuilt } from './helpers/help-site-build.js';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-test-'));
  const template = path.join(dir, 'template.db');
  await migrate(`file:${template}`);
  project.provide('sqliteTemplate', template);
  // Built once before any test file runs, so no file rebuilds it while another serves it.
  await ensureHelpSiteBuilt({ duringRun: false });
  if (!(await postgresAvailable())) {
    console.warn('PostgreSQL is not running on 127.0.0.1:5432 (or POSTGRES_ADMIN_URL): the PostgreSQL tests are skipped.');
  }
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    sqliteTemplate: string;
  }
}
