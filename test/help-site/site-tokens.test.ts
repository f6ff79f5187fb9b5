import { describe, expect, test } from 'vitest';
import remarkSiteTokens from '../../help-site/plugins/remark-site-tokens.js';

type Tree = {
  type: string;
  value?: string;
  url?: string;
  children?: Tree[];
  attributes?: { type: string; name: string; value: unknown }[];
  data?: { hName?: string; hProperties?: Record<string, string> };
};

function run(tree: Tree): Tree {
  remarkSiteTokens()(tree as never, { path: 'page.md' });
  return tree;
}

const paragraph = (...children: Tree[]): Tree => ({ type: 'root', children: [{ type: 'paragraph', children }] });
const text = (value: string): Tree => ({ type: 'text', value });
/** A placeholder the server fills, in a span the search index skips. */
const unindexed = (...children: Tree[]): Tree => ({ type: 'emphasis', data: { hName: 'span', hProperties: { 'data-pagefind-ignore': '' } }, children });

describe('the site-token remark plugin', () => {
  test('keeps the vendor placeholder in running text, out of the search index', () => {
    const tree = run(paragraph(text('Welcome to %VENDOR% support.')));
    expect(tree.children?.[0]?.children).toEqual([text('Welcome to '), unindexed(text('%VENDOR%')), text(' support.')]);
  });

  test('turns the portal and support placeholders into links in running text', () => {
    const tree = run(paragraph(text('Open %PORTAL% or write to %SUPPORT_EMAIL%.')));
    expect(tree.children?.[0]?.children).toEqual([
      text('Open '),
      unindexed({ type: 'link', url: '%PORTAL%', children: [text('%PORTAL%')] }),
      text(' or write to '),
      unindexed({ type: 'link', url: 'mailto:%SUPPORT_EMAIL%', children: [text('%SUPPORT_EMAIL%')] }),
      text('.'),
    ]);
  });

  test('leaves placeholders as they are inside links, link targets, code and component attributes', () => {
    const tree = run({
      type: 'root',
      children: [
        { type: 'link', url: '%25PORTAL%25/downloads', children: [text('%VENDOR% downloads')] },
        { type: 'inlineCode', value: '%SUPPORT_EMAIL%' },
        { type: 'mdxJsxFlowElement', attributes: [{ type: 'mdxJsxAttribute', name: 'title', value: '%VENDOR% portal' }] },
      ],
    });
    const link = tree.children?.[0];
    expect(link?.url).toBe('%25PORTAL%25/downloads');
    expect(link?.children).toEqual([text('%VENDOR%'), text(' downloads')]);
    expect(tree.children?.[1]?.value).toBe('%SUPPORT_EMAIL%');
    expect(tree.children?.[2]?.attributes?.[0]?.value).toBe('%VENDOR% portal');
  });

  test('fails on an unknown token, in text or in a link target, so a typo never reaches a reader', () => {
    expect(() => run(paragraph(text('Call %VENDER%.')))).toThrow(/%VENDER%/);
    expect(() => run({ type: 'root', children: [{ type: 'link', url: '%PORTL%/x', children: [] }] })).toThrow(/%PORTL%/);
  });
});
