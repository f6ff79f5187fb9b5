// The add-several page reads what people paste from spreadsheets: tabs or commas, quoted cells, a header line.
import { describe, expect, it } from 'vitest';
import { parseDelimited, peopleFrom } from '../../help-site/src/scripts/table-text.js';

describe('parseDelimited', () => {
  it('reads tab-separated text from a spreadsheet and comma-separated text with quoted cells', () => {
    expect(parseDelimited('Ada\tLovelace\tada@x.example\r\nAlan\tTuring\talan@x.example\r\n')).toEqual([
      ['Ada', 'Lovelace', 'ada@x.example'],
      ['Alan', 'Turing', 'alan@x.example'],
    ]);
    expect(parseDelimited('"Mary, Jane", "O""Brien" , mj@x.example\n\n')).toEqual([['Mary, Jane', 'O"Brien', 'mj@x.example']]);
  });
});

describe('peopleFrom', () => {
  it('skips a header naming the columns and names the problem of each row with its line', () => {
    const people = peopleFrom('given,family,e-mail\nAda,Lovelace,ada@x.example\nBob,,bob@x.example\nCy,Young,nope\nDee,Dee,ADA@x.example');
    expect(people.map((p) => [p.line, p.problem])).toEqual([
      [2, null],
      [3, 'The family name is empty.'],
      [4, '“nope” is not an e-mail address.'],
      [5, 'The same address is already on line 2.'],
    ]);
  });
});
