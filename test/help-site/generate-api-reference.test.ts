import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { HELP_SITE, REPO_ROOT } from '../helpers/help-site-build.js';

const SCRIPT = join(HELP_SITE, 'scripts', 'generate-api-reference.ts');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

const SCHEMA = /* GraphQL */ `
  "Every typed error implements it."
  interface Error { code: String! message: String! helpUrl: String }
  enum ProfileStatus { ACTIVE "Kept for the audit log." REMOVED }
  type Profile { id: ID! "Trimmed and lower-cased." email: String! status: ProfileStatus! }
  type AddProfessionalSuccess { profile: Profile! }
  type DuplicateEmailError implements Error { code: String! message: String! helpUrl: String }
  union AddProfessionalResult = AddProfessionalSuccess | DuplicateEmailError
  input AddProfessionalInput { email: String! sendInvitation: Boolean = true }
  type Query { "Who is signed in." viewer(first: Int = 10): [Profile!]! }
  type Mutation { addProfessional(input: AddProfessionalInput!): AddProfessionalResult! }
`;

const work = mkdtempSync(join(tmpdir(), 'portico-api-ref-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function generate(schema: string | undefined, name: string): Promise<Record<string, string>> {
  const out = join(work, name);
  const schemaPath = join(work, `${name}.graphql`);
  if (schema !== undefined) writeFileSync(schemaPath, schema);
  await promisify(execFile)(TSX, [SCRIPT, '--schema', schemaPath, '--out', out]);
  return Object.fromEntries(readdirSync(out).map((file) => [file, readFileSync(join(out, file), 'utf8')]));
}

describe('the API reference generator', () => {
  test('writes one page per kind with fields, arguments, defaults, descriptions, union members, interfaces and enum values', async () => {
    const pages = await generate(SCHEMA, 'full');
    expect(Object.keys(pages).sort()).toEqual(
      ['enums.md', 'index.md', 'inputs.md', 'interfaces.md', 'mutations.md', 'objects.md', 'queries.md', 'scalars.md', 'unions.md'],
    );
    for (const page of Object.values(pages)) expect(page).toMatch(/^---\ntitle: ".+"\ndescription: ".+"\n/);
    expect(pages['queries.md']).toContain('## viewer');
    expect(pages['queries.md']).toContain('Who is signed in.');
    expect(pages['queries.md']).toContain('`first`: [`Int`](/reference/api/scalars/#int) (default `10`)');
    expect(pages['mutations.md']).toContain(
      'That is one of [`AddProfessionalSuccess`](/reference/api/objects/#addprofessionalsuccess), [`DuplicateEmailError`](/reference/api/objects/#duplicateemailerror).',
    );
    expect(pages['objects.md']).toContain('Implements [`Error`](/reference/api/interfaces/#error).');
    expect(pages['objects.md']).toContain('`email`: [`String`](/reference/api/scalars/#string)`!` — Trimmed and lower-cased.');
    expect(pages['interfaces.md']).toContain('Implemented by [`DuplicateEmailError`]');
    expect(pages['enums.md']).toContain('- `REMOVED` — Kept for the audit log.');
    expect(pages['inputs.md']).toContain('`sendInvitation`: [`Boolean`](/reference/api/scalars/#boolean) (default `true`)');
  });

  test('links every type to a heading that exists on its page', async () => {
    const pages = await generate(SCHEMA, 'links');
    const headings = new Set(
      Object.entries(pages).flatMap(([file, page]) =>
        [...page.matchAll(/^## (\S+)$/gm)].map((match) => `${file.replace('.md', '')}#${match[1]?.toLowerCase()}`),
      ),
    );
    const links = Object.values(pages).flatMap((page) => [...page.matchAll(/\]\(\/reference\/api\/(\w+)\/#(\w+)\)/g)].map((m) => `${m[1]}#${m[2]}`));
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((link) => !headings.has(link))).toEqual([]);
  });

  test('writes a single page saying the reference is not generated yet when there is no schema', async () => {
    const pages = await generate(undefined, 'none');
    expect(Object.keys(pages)).toEqual(['index.md']);
    expect(pages['index.md']).toContain('not generated yet');
  });
});
