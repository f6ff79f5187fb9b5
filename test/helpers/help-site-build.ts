/**
 * Shared by the help-site tests: builds help-site/dist once when it is missing or older than its
 * sources, and lists the built HTML pages. Test files run in parallel, so the build takes a lock.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const HELP_SITE = join(REPO_ROOT, 'help-site');
export const HELP_DIST = join(HELP_SITE, 'dist');
/** Generous: a cold build with the search index takes tens of seconds on a busy machine. */
export const BUILD_TIMEOUT_MS = 300_000;

const GENERATED = join(HELP_SITE, 'src', 'content', 'docs', 'reference', 'api');
const SCREENSHOTS = join(HELP_SITE, 'public', 'screenshots');
let skipped = GENERATED;
const SOURCES = ['src', 'public', 'plugins', 'scripts', 'astro.config.ts'].map((path) => join(HELP_SITE, path));

function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info || path === GENERATED || path === skipped) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), info.mtimeMs);
}

function isFresh(): boolean {
  const built = statSync(join(HELP_DIST, 'index.html'), { throwIfNoEntry: false });
  if (!built) return false;
  const sources = Math.max(...SOURCES.map(newestMtime), newestMtime(join(REPO_ROOT, 'schema.graphql')));
  return built.mtimeMs >= sources;
}

/**
 * vitest sets NODE_ENV=test, DEV=1, MODE, SSR and BASE_URL in the environment; Astro would pick
 * them up and build a development flavour of the site (no search). The build gets them removed.
 */
function buildEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(VITEST.*|DEV|PROD|MODE|SSR|BASE_URL|NODE_ENV)$/.test(name)) delete env[name];
  }
  return env;
}

/**
 * Builds the site unless the build is newer than its sources. The browser journeys rewrite the screenshots in
 * public/ while other test files use the build, so within a run (`duringRun`, the default) new screenshots do not
 * count as a change; the run's global setup counts them, so each run starts with the last run's screens.
 */
export async function ensureHelpSiteBuilt(options: { duringRun?: boolean } = {}): Promise<void> {
  skipped = options.duringRun === false ? GENERATED : SCREENSHOTS;
  if (isFresh()) return;
  const lock = join(tmpdir(), `portico-help-build-${Buffer.from(REPO_ROOT).toString('hex').slice(-32)}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - started > BUILD_TIMEOUT_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    if (isFresh()) return;
    await promisify(execFile)('npm', ['run', 'build:help'], {
      cwd: REPO_ROOT,
      env: buildEnvironment(),
      maxBuffer: 64 * 1024 * 1024,
      timeout: BUILD_TIMEOUT_MS,
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Every built HTML page as a path relative to dist, e.g. `guides/sign-out/index.html`. */
export function listHtmlPages(dir = HELP_DIST): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.html') ? [relative(dir, path)] : [];
    });
  return walk(dir).sort();
}

/** The URL path a built page is served at: `guides/sign-out/index.html` → `/guides/sign-out/`. */
export function pagePath(file: string): string {
  return `/${file.replace(/(^|\/)index\.html$/, '$1')}`;
}
