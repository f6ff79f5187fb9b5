/**
 * After a build, prints the size of every HTML page and the total of everything else
 * (scripts, styles, search index, images), so a page that grows is seen in the build output.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? listFiles(path) : Promise.resolve([path]);
    }),
  );
  return nested.flat();
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export default function pageSizeReport(): AstroIntegration {
  return {
    name: 'portico-page-size-report',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const root = fileURLToPath(dir);
        const files = await listFiles(root);
        const sized = await Promise.all(
          files.map(async (path) => ({ path: relative(root, path), bytes: (await stat(path)).size })),
        );
        const pages = sized.filter((file) => file.path.endsWith('.html')).sort((a, b) => a.path.localeCompare(b.path));
        const assets = sized.filter((file) => !file.path.endsWith('.html'));
        const width = Math.max(...pages.map((page) => page.path.length));
        const lines = pages.map((page) => `${page.path.padEnd(width)}  ${String(page.bytes).padStart(8)} B`);
        const pageBytes = pages.reduce((sum, page) => sum + page.bytes, 0);
        const assetBytes = assets.reduce((sum, asset) => sum + asset.bytes, 0);
        logger.info(`Bytes per page:\n${lines.join('\n')}`);
        logger.info(
          `${pages.length} pages, ${kib(pageBytes)} of HTML; ${assets.length} other files (scripts, styles, search index, images), ${kib(assetBytes)}.`,
        );
      },
    },
  };
}
