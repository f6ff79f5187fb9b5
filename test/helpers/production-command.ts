// The command `npm run start:production` runs, read from package.json: the build test and the viewer bench start the
// compiled server exactly so, Node flags included, so neither drifts from what production runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** The arguments to give Node (flags, then dist/index.js), relative to the project root. */
export function productionNodeArgs(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = scripts['start:production']!.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`start:production should run node, not ${command}`);
  return args;
}
