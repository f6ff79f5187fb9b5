import { describe, expect, test } from 'vitest';
import remarkSiteTokens from '../../help-site/plugins/remark-site-tokens.js';

const config = { vendorName: 'Contoso', portalUrl: 'https://portal.contoso.example', supportEmail: 'help@contoso.example' };

type Tree = { type: string; value?: string; url?: string; children?: Tree[]; attributes?: { type: string; name: string; value: unknown }[] };

function run(tree: Tree): Tree {
  remarkSiteTokens(config)(tree as never, { path: 'page.md' });
  return tree;
}

const paragraph = (...children: Tree[]): Tree => ({ type: 'root', children: [{ type: 'paragraph', children }] });
const text = (value: string): Tree => ({ type: 'text', value });

describe('the site-token remark plugin', () => {
  test('puts the vendor name into running text', () => {
    const tree = run(paragraph(text('Welcome to %VENDOR% support.')));
    expect(tree.children?.[0]?.children).toEqual([text('Welcome to '), text('Contoso'), text(' support.')]);
  });

  test('turns the portal and support tokens into links in running text', () => {
    const tree = run(paragraph(text('Open %PORTAL% or write to %SUPPORT_EMAIL%.')));
    expect(tree.children?.[0]?.children).toEqual([
      text('Open '),
      { type: 'link', url: 'https://portal.contoso.example', children: [text('https://portal.contoso.example')] },
      text(' or write to '),
      { type: 'link', url: 'mailto:help@contoso.example', children: [text('help@contoso.example')] },
      text('.'),
    ]);
  });

  test('uses plain values inside links, link targets (even percent-encoded), code and component attributes', () => {
    const tree = run({
      type: 'root',
      children: [
        { type: 'link', url: '%25PORTAL%25/downloads', children: [text('%VENDOR% downloads')] },
        { type: 'inlineCode', value: '%SUPPORT_EMAIL%' },
        { type: 'mdxJsxFlowElement', attributes: [{ type: 'mdxJsxAttribute', name: 'title', value: '%VENDOR% portal' }] },
      ],
    });
    const link = tree.children?.[0];
    expect(link?.url).toBe('https://portal.contoso.example/downloads');
    expect(link?.children).toEqual([text('Contoso'), text(' downloads')]);
    expect(tree.children?.[1]?.value).toBe('help@contoso.example');
    expect(tree.children?.[2]?.attributes?.[0]?.value).toBe('Contoso portal');
  });

  test('fails on an unknown token, so a typo never reaches a reader', () => {
    expect(() => run(paragraph(text('Call %VENDER%.')))).toThrow(/%VENDER%/);
  });
});
