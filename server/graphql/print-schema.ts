// npm run schema: writes schema.graphql from the code. A test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printedSchema } from './schema.js';

writeFileSync(path.resolve(import.meta.dirname, '../../schema.graphql'), printedSchema());
console.log('wrote schema.graphql');
