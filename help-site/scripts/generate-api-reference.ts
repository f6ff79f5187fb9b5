/**
 * Writes the API reference pages of the help site from the repository's schema.graphql.
 * Run before every help-site build (`npm run prebuild:help`). The output folder is generated
 * and git-ignored; when there is no schema yet it holds one page saying so.
 *
 * Usage: tsx help-site/scripts/generate-api-reference.ts [--schema <file>] [--out <dir>]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  astFromValue,
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  print,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    schema: { type: 'string', default: resolve(here, '../../schema.graphql') },
    out: { type: 'string', default: resolve(here, '../src/content/docs/reference/api') },
  },
});
const schemaPath = resolve(values.schema);
const outDir = resolve(values.out);

interface Page {
  slug: string;
  title: string;
  description: string;
  order: number;
  intro: string;
  types: GraphQLNamedType[];
}

type Kind = 'objects' | 'interfaces' | 'unions' | 'enums' | 'inputs' | 'scalars';

const ROOT_NAMES = new Set(['Query', 'Mutation', 'Subscription']);

function kindOf(type: GraphQLNamedType): Kind {
  if (isObjectType(type)) return 'objects';
  if (isInterfaceType(type)) return 'interfaces';
  if (isUnionType(type)) return 'unions';
  if (isEnumType(type)) return 'enums';
  if (isInputObjectType(type)) return 'inputs';
  return 'scalars';
}

/** Descriptions are Markdown; only raw HTML could break a page, so it is shown as text. */
function prose(text: string | null | undefined): string {
  return (text ?? '').trim().replace(/</g, '&lt;');
}

function anchor(name: string): string {
  return name.toLowerCase();
}

function typeLink(type: GraphQLNamedType): string {
  if (ROOT_NAMES.has(type.name)) return `\`${type.name}\``;
  return `[\`${type.name}\`](/reference/api/${kindOf(type)}/#${anchor(type.name)})`;
}

/** `[Profile!]!` with the named type linked to its entry. */
function typeRef(type: GraphQLOutputType | GraphQLInputType): string {
  const named = getNamedType(type);
  const printed = String(type);
  const [before, after] = [printed.slice(0, printed.indexOf(named.name)), printed.slice(printed.indexOf(named.name) + named.name.length)];
  const wrap = (text: string) => (text ? `\`${text}\`` : '');
  return `${wrap(before)}${typeLink(named)}${wrap(after)}`;
}

function defaultValue(arg: GraphQLArgument | GraphQLInputField): string {
  if (arg.defaultValue === undefined) return '';
  const ast = astFromValue(arg.defaultValue, arg.type);
  return ast ? ` (default \`${print(ast)}\`)` : '';
}

function deprecation(item: { deprecationReason?: string | null | undefined }): string {
  return item.deprecationReason ? ` **Deprecated:** ${prose(item.deprecationReason)}` : '';
}

function argumentLines(args: readonly GraphQLArgument[], indent: string): string[] {
  return args.map(
    (arg) => `${indent}- \`${arg.name}\`: ${typeRef(arg.type)}${defaultValue(arg)}${arg.description ? ` — ${prose(arg.description)}` : ''}${deprecation(arg)}`,
  );
}

function fieldLines(fields: readonly (GraphQLField<unknown, unknown> | GraphQLInputField)[]): string[] {
  const lines: string[] = [];
  for (const field of fields) {
    const description = field.description ? ` — ${prose(field.description)}` : '';
    const extra = 'args' in field ? '' : defaultValue(field);
    lines.push(`- \`${field.name}\`: ${typeRef(field.type)}${extra}${description}${deprecation(field)}`);
    if ('args' in field && field.args.length > 0) {
      lines.push('  Arguments:', ...argumentLines(field.args, '  '));
    }
  }
  return lines;
}

function typeSection(schema: GraphQLSchema, type: GraphQLNamedType): string {
  const lines = [`## ${type.name}`, ''];
  if (type.description) lines.push(prose(type.description), '');
  if (isObjectType(type) || isInterfaceType(type)) {
    const interfaces = type.getInterfaces();
    if (interfaces.length > 0) lines.push(`Implements ${interfaces.map(typeLink).join(', ')}.`, '');
    if (isInterfaceType(type)) {
      const implementations = schema.getImplementations(type);
      const all = [...implementations.objects, ...implementations.interfaces];
      if (all.length > 0) lines.push(`Implemented by ${all.map(typeLink).join(', ')}.`, '');
    }
    lines.push('Fields:', '', ...fieldLines(Object.values(type.getFields())), '');
  } else if (isInputObjectType(type)) {
    lines.push('Fields:', '', ...fieldLines(Object.values(type.getFields())), '');
  } else if (isUnionType(type)) {
    lines.push(`One of ${type.getTypes().map(typeLink).join(', ')}.`, '');
  } else if (isEnumType(type)) {
    lines.push('Values:', '');
    for (const value of type.getValues()) {
      lines.push(`- \`${value.name}\`${value.description ? ` — ${prose(value.description)}` : ''}${deprecation(value)}`);
    }
    lines.push('');
  } else if (isScalarType(type) && type.specifiedByURL) {
    lines.push(`Specified by ${type.specifiedByURL}.`, '');
  }
  return lines.join('\n');
}

function rootSection(field: GraphQLField<unknown, unknown>): string {
  const lines = [`## ${field.name}`, ''];
  if (field.description) lines.push(prose(field.description), '');
  if (field.deprecationReason) lines.push(deprecation(field).trim(), '');
  if (field.args.length > 0) lines.push('Arguments:', '', ...argumentLines(field.args, ''), '');
  lines.push(`Returns ${typeRef(field.type)}.`);
  const returned = getNamedType(field.type);
  if (isUnionType(returned)) lines.push(`That is one of ${returned.getTypes().map(typeLink).join(', ')}.`);
  lines.push('');
  return lines.join('\n');
}

function frontmatter(title: string, description: string, order: number): string {
  return ['---', `title: ${JSON.stringify(title)}`, `description: ${JSON.stringify(description)}`, 'sidebar:', `  order: ${order}`, '---', ''].join('\n');
}

function writePage(slug: string, content: string): void {
  writeFileSync(join(outDir, `${slug}.md`), content);
}

function generate(schema: GraphQLSchema): string[] {
  const written: string[] = [];
  const roots = [
    { slug: 'queries', title: 'Queries', type: schema.getQueryType(), order: 1, what: 'read data' },
    { slug: 'mutations', title: 'Mutations', type: schema.getMutationType(), order: 2, what: 'change data' },
  ];
  for (const root of roots) {
    if (!root.type) continue;
    const fields = Object.values(root.type.getFields()).sort((a, b) => a.name.localeCompare(b.name));
    const body = [
      `Every field of the \`${root.type.name}\` type: the operations client apps call to ${root.what}. Try them in GraphiQL at [/graphql](/graphql).`,
      '',
      ...fields.map(rootSection),
    ].join('\n');
    writePage(root.slug, frontmatter(root.title, `Every ${root.title.toLowerCase().slice(0, -1)} of the Portico GraphQL API, with its arguments and result.`, root.order) + '\n' + body);
    written.push(root.slug);
  }

  const named = Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__') && !ROOT_NAMES.has(type.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const pages: Page[] = [
    { slug: 'objects', title: 'Object types', order: 3, intro: 'The types the API returns.', description: 'Every object type of the Portico GraphQL API and its fields.', types: [] },
    { slug: 'interfaces', title: 'Interfaces', order: 4, intro: 'Fields shared by several types.', description: 'Every interface of the Portico GraphQL API and the types that implement it.', types: [] },
    { slug: 'unions', title: 'Unions', order: 5, intro: 'Results that can be one of several types. Mutations return a union of their success type and the errors that can happen; select `__typename`.', description: 'Every union of the Portico GraphQL API and its member types.', types: [] },
    { slug: 'enums', title: 'Enums', order: 6, intro: 'Fixed lists of values.', description: 'Every enum of the Portico GraphQL API and its values.', types: [] },
    { slug: 'inputs', title: 'Input types', order: 7, intro: 'The shapes mutation arguments take.', description: 'Every input type of the Portico GraphQL API and its fields.', types: [] },
    { slug: 'scalars', title: 'Scalars', order: 8, intro: 'The basic values: text, numbers, dates and identifiers.', description: 'Every scalar of the Portico GraphQL API.', types: [] },
  ];
  for (const type of named) pages.find((page) => page.slug === kindOf(type))?.types.push(type);
  for (const page of pages) {
    if (page.types.length === 0) continue;
    const body = [page.intro, '', ...page.types.map((type) => typeSection(schema, type))].join('\n');
    writePage(page.slug, frontmatter(page.title, page.description, page.order) + '\n' + body);
    written.push(page.slug);
  }

  const index = [
    frontmatter('API reference', 'The Portico GraphQL API, generated from its schema: queries, mutations and every type.', 0),
    'This reference is generated from the API schema each time the help site is built, so it always matches the service.',
    '',
    'You can try every operation in GraphiQL at [/graphql](/graphql) once you are signed in. For ready-made operations that fix common account problems, see the [GraphiQL recipes](/reference/graphiql-recipes/).',
    '',
    ...written.map((slug) => `- [${pages.find((page) => page.slug === slug)?.title ?? roots.find((root) => root.slug === slug)?.title}](/reference/api/${slug}/)`),
    '',
  ].join('\n');
  writePage('index', index);
  return ['index', ...written];
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

if (existsSync(schemaPath)) {
  const schema = buildSchema(readFileSync(schemaPath, 'utf8'));
  const pages = generate(schema);
  console.log(`API reference: ${pages.length} pages written from ${schemaPath}`);
} else {
  writePage(
    'index',
    frontmatter('API reference', 'The Portico GraphQL API reference is generated from the schema; it has not been generated yet.', 0) +
      '\nThe API reference is not generated yet: the build found no `schema.graphql`. It will appear here once the schema is in the repository.\n\nMeanwhile, the [GraphiQL recipes](/reference/graphiql-recipes/) show the operations support and administrators use most.\n',
  );
  console.log(`API reference: no schema at ${schemaPath}; wrote a placeholder page`);
}
