import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../server/graphql/schema.js';

describe('schema.graphql', () => {
  it('is the printed, sorted schema the code builds (run `npm run schema` after changing the API)', () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8');
    expect(committed).toBe(printedSchema());
  });
});
