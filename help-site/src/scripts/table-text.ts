// Reading a pasted or uploaded list (CSV or TSV, as spreadsheets write them) into rows of cells, in the browser.

/** Splits text into rows of trimmed cells: tab-separated when the first line has a tab, else comma-separated; "quoted, cells" allowed. */
export function parseDelimited(text: string): string[][] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const separator = firstLine.includes('\t') ? '\t' : firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (char === separator) {
      row.push(cell.trim());
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(cell.trim());
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length) {
    row.push(cell.trim());
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((c) => c !== ''));
}

export interface ListedPerson {
  /** The line in the text, counted from 1 as an editor shows it (after dropping blank lines). */
  line: number;
  givenName: string;
  familyName: string;
  email: string;
  /** What is wrong with this row before anything is sent; null when it looks right. */
  problem: string | null;
}

const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Rows of given name, family name, e-mail (a header line naming them is skipped), each checked as far as the page can. */
export function peopleFrom(text: string): ListedPerson[] {
  const rows = parseDelimited(text);
  const header = rows[0]?.some((cell) => /^e-?mail/i.test(cell)) ?? false;
  const seen = new Map<string, number>();
  return rows.slice(header ? 1 : 0).map((cells, index) => {
    const [givenName = '', familyName = '', email = ''] = cells;
    const line = index + (header ? 2 : 1);
    let problem: string | null = null;
    if (cells.length < 3) problem = 'Needs three columns: given name, family name, e-mail.';
    else if (!givenName) problem = 'The given name is empty.';
    else if (!familyName) problem = 'The family name is empty.';
    else if (!LOOKS_LIKE_EMAIL.test(email)) problem = `“${email}” is not an e-mail address.`;
    else {
      const key = email.toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined) problem = `The same address is already on line ${earlier}.`;
      else seen.set(key, line);
    }
    return { line, givenName, familyName, email, problem };
  });
}
