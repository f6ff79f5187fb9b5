/**
 * Finds every GraphQL example in the help site's pages, with the variables that follow it,
 * so tests can validate them against schema.graphql. The generated API reference is skipped.
 *
 * A variables block is a ```json block right after the ```graphql block (only blank lines
 * between), unless its title says it is a result (```json title="Result").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HELP_SITE, REPO_ROOT } from './help-site-build.js';

export interface GraphqlBlock {
  /** Path relative to the repository root. */
  file: string;
  /** 1-based line of the opening ```graphql fence. */
  line: number;
  query: string;
  variables?: Record<string, unknown>;
}

const DOCS = join(HELP_SITE, 'src', 'content', 'docs');
const GENERATED = join(DOCS, 'reference', 'api');

function listDocs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === GENERATED ? [] : listDocs(path);
    return /\.mdx?$/.test(entry.name) ? [path] : [];
  });
}

interface Fence {
  lang: string;
  meta: string;
  line: number;
  /** Index of the line after the closing fence. */
  end: number;
  body: string;
}

function readFence(lines: string[], start: number): Fence | undefined {
  const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[start] ?? '');
  if (!open) return undefined;
  const [, indent = '', marker = '```', lang = '', meta = ''] = open;
  for (let index = start + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.trim().startsWith(marker) && line.trim().replace(/[`~]/g, '') === '') {
      const body = lines
        .slice(start + 1, index)
        .map((text) => (text.startsWith(indent) ? text.slice(indent.length) : text))
        .join('\n');
      return { lang: lang.toLowerCase(), meta, line: start + 1, end: index + 1, body };
    }
  }
  return undefined;
}

export function extractGraphqlBlocks(): GraphqlBlock[] {
  const blocks: GraphqlBlock[] = [];
  for (const path of listDocs(DOCS).sort()) {
    const lines = readFileSync(path, 'utf8').split('\n');
    const file = relative(REPO_ROOT, path);
    for (let index = 0; index < lines.length; index += 1) {
      const fence = readFence(lines, index);
      if (!fence) continue;
      index = fence.end - 1;
      if (fence.lang !== 'graphql' && fence.lang !== 'gql') continue;
      const block: GraphqlBlock = { file, line: fence.line, query: fence.body };
      let next = fence.end;
      while (next < lines.length && (lines[next] ?? '').trim() === '') next += 1;
      const following = readFence(lines, next);
      if (following && following.lang === 'json' && !/title=["']?result/i.test(following.meta)) {
        try {
          block.variables = JSON.parse(following.body) as Record<string, unknown>;
        } catch (error) {
          throw new Error(`${file}:${following.line}: variables are not valid JSON: ${String(error)}`);
        }
      }
      blocks.push(block);
    }
  }
  return blocks;
}
