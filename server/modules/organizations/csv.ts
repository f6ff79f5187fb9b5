// The organizations CSV support imports (flow 7): one customer per line, with its plan and first administrator.
// Parsing and checking only; service.ts applies the rows. Line numbers count the header as line 1, as a
// spreadsheet shows them.
import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '../../errors.js';
import { normalizeEmail, normalizeName } from '../input.js';
import { normalizeAccountNumber, normalizeRegion } from './service.js';
import { isCalendarDay } from './plans.js';

export const CSV_COLUMNS = [
  'name',
  'account_number',
  'region',
  'plan_name',
  'plan_starts_on',
  'plan_ends_on',
  'admin_given_name',
  'admin_family_name',
  'admin_email',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['name', 'account_number'];
export const MAX_CSV_LINES = 5000;

export interface ImportRow {
  name: string;
  accountNumber: string;
  region: string | null;
  plan: { name: string; startsOn: string; endsOn: string } | null;
  admin: { givenName: string; familyName: string; email: string } | null;
}

export type ParsedLine = { line: number; row: ImportRow; error?: undefined } | { line: number; row?: undefined; error: InvalidInputError };


function rowError(field: Column, message: string): InvalidInputError {
  return new InvalidInputError(field, message);
}

/** Checks one line; the first problem found is the line's error, named by its column. */
function checkRow(get: (column: Column) => string): ImportRow | InvalidInputError {
  if (!get('name')) return rowError('name', 'name is empty: every line needs the organization name.');
  const name = normalizeName(get('name'), 'name');
  if (name instanceof InvalidInputError) return name;
  if (!get('account_number')) return rowError('account_number', 'account_number is empty: the import recognises organizations by it, so every line needs one.');
  const accountNumber = normalizeAccountNumber(get('account_number'), 'account_number');
  if (accountNumber instanceof InvalidInputError) return accountNumber;
  const region = normalizeRegion(get('region'), 'region');
  if (region instanceof InvalidInputError) return region;

  let plan: ImportRow['plan'] = null;
  const planCells = [get('plan_name'), get('plan_starts_on'), get('plan_ends_on')];
  if (planCells.some(Boolean)) {
    if (!planCells.every(Boolean)) return rowError('plan_name', 'A plan needs plan_name, plan_starts_on and plan_ends_on together (or none of them).');
    const planName = normalizeName(get('plan_name'), 'plan_name');
    if (planName instanceof InvalidInputError) return planName;
    for (const column of ['plan_starts_on', 'plan_ends_on'] as const) {
      if (!isCalendarDay(get(column))) return rowError(column, `${column} "${get(column).slice(0, 40)}" is not a date written YYYY-MM-DD, e.g. 2026-12-31.`);
    }
    if (get('plan_ends_on') < get('plan_starts_on')) return rowError('plan_ends_on', 'The plan cannot end before it starts.');
    plan = { name: planName, startsOn: get('plan_starts_on'), endsOn: get('plan_ends_on') };
  }

  let admin: ImportRow['admin'] = null;
  const adminCells = [get('admin_given_name'), get('admin_family_name'), get('admin_email')];
  if (adminCells.some(Boolean)) {
    if (!adminCells.every(Boolean)) return rowError('admin_email', 'An administrator needs admin_given_name, admin_family_name and admin_email together (or none of them).');
    const givenName = normalizeName(get('admin_given_name'), 'admin_given_name');
    if (givenName instanceof InvalidInputError) return givenName;
    const familyName = normalizeName(get('admin_family_name'), 'admin_family_name');
    if (familyName instanceof InvalidInputError) return familyName;
    const email = normalizeEmail(get('admin_email'), 'admin_email');
    if (email instanceof InvalidInputError) return email;
    admin = { givenName, familyName, email };
  }
  return { name, accountNumber: accountNumber!, region, plan, admin };
}

/** Every data line with its row or its error; an error for the whole file when it cannot be read as our CSV. */
export function parseOrganizationsCsv(csv: string): ParsedLine[] | InvalidInputError {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, { info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as never;
  } catch (error) {
    return new InvalidInputError('csv', `The file is not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...lines] = records;
  if (!header) return new InvalidInputError('csv', `The file is empty. The first line names the columns: ${CSV_COLUMNS.join(',')}.`);
  if (lines.length > MAX_CSV_LINES) return new InvalidInputError('csv', `Import at most ${MAX_CSV_LINES} lines per file; split the file.`);
  const columns = header.record.map((c) => c.toLowerCase());
  const unknown = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (unknown.length > 0 || missing.length > 0) {
    return new InvalidInputError(
      'csv',
      `Line ${header.info.lines} must name the columns (${CSV_COLUMNS.join(',')}; name and account_number are required).` +
        (unknown.length ? ` Unknown: ${unknown.join(', ')}.` : '') +
        (missing.length ? ` Missing: ${missing.join(', ')}.` : ''),
    );
  }
  return lines.map(({ record, info }): ParsedLine => {
    if (record.length !== columns.length) {
      return { line: info.lines, error: new InvalidInputError('csv', `Line ${info.lines} has ${record.length} values; the header has ${columns.length}.`) };
    }
    const get = (column: Column) => {
      const at = columns.indexOf(column);
      return at === -1 ? '' : (record[at] ?? '');
    };
    const row = checkRow(get);
    return row instanceof InvalidInputError ? { line: info.lines, error: row } : { line: info.lines, row };
  });
}
