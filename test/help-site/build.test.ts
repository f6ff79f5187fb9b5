import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ERROR_CODE_LIST as ERROR_CODES } from '../../server/help-pages.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt, HELP_DIST, listHtmlPages } from '../helpers/help-site-build.js';


const read = (file: string) => readFileSync(join(HELP_DIST, file), 'utf8');

/** src/href of everything a browser loads by itself: scripts, styles, icons, fonts, images, media, frames. */
function loadedUrls(html: string): string[] {
  const urls: string[] = [];
  for (const [tag] of html.matchAll(/<(script|link|img|source|video|audio|iframe|embed|object|image|use)\b[^>]*>/gi)) {
    const isLink = /^<link\b/i.test(tag);
    if (isLink && !/\brel=["']?[^"'>]*(stylesheet|icon|preload|modulepreload|prefetch|manifest|font)/i.test(tag)) continue;
    for (const [, , url = ''] of tag.matchAll(/\s(src|href|srcset|data|poster|xlink:href)=["']([^"']*)["']/gi)) {
      urls.push(...url.split(',').map((part) => part.trim().split(/\s+/)[0] ?? ''));
    }
  }
  for (const [, url = ''] of html.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/gi)) urls.push(url);
  for (const [, url = ''] of html.matchAll(/@import\s+["']([^"']+)["']/gi)) urls.push(url);
  return urls;
}

const isOtherOrigin = (url: string) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(url) && !/^(data|blob):/i.test(url);

describe('the built help site', () => {
  let pages: string[] = [];

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    pages = listHtmlPages();
  }, BUILD_TIMEOUT_MS);

  test('has a troubleshooting page at the helpUrl of every API error code', () => {
    const missing = ERROR_CODES.map((code) => `troubleshooting/${code.toLowerCase().replaceAll('_', '-')}/index.html`).filter(
      (file) => !pages.includes(file),
    );
    expect(missing).toEqual([]);
  });

  test('names the error code on each error page, so support can search for it', () => {
    for (const code of ERROR_CODES) {
      expect(read(`troubleshooting/${code.toLowerCase().replaceAll('_', '-')}/index.html`)).toContain(code);
    }
  });

  test('gives every page a title and a meta description', () => {
    expect(pages.length).toBeGreaterThan(30);
    const incomplete = pages.filter((file) => {
      const html = read(file);
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1]?.trim();
      const description = /<meta name="description" content="([^"]*)"/.exec(html)?.[1]?.trim();
      return !title || !description;
    });
    expect(incomplete).toEqual([]);
  });

  test('loads no script, stylesheet, image or font from another origin', () => {
    const offenders = pages.flatMap((file) =>
      loadedUrls(read(file))
        .filter(isOtherOrigin)
        .map((url) => `${file}: ${url}`),
    );
    expect(offenders).toEqual([]);
  });

  test('the other-origin check catches a stylesheet, a font and a script from a CDN', () => {
    const html =
      '<link rel="stylesheet" href="https://fonts.example/css"><style>@font-face{src:url(//cdn.example/f.woff2)}</style><script src="https://cdn.example/x.js"></script><a href="https://elsewhere.example/">text link</a>';
    expect(loadedUrls(html).filter(isOtherOrigin)).toEqual([
      'https://fonts.example/css',
      'https://cdn.example/x.js',
      '//cdn.example/f.woff2',
    ]);
  });

  test('shows no screenshot whose image file is missing', () => {
    const broken = pages.flatMap((file) =>
      [...read(file).matchAll(/<img[^>]+src="\/screenshots\/([^"]+)"/g)]
        .map((match) => match[1] ?? '')
        .filter((name) => !existsSync(join(HELP_DIST, 'screenshots', name)))
        .map((name) => `${file}: ${name}`),
    );
    expect(broken).toEqual([]);
  });

  // The component renders nothing for a missing file, so the built pages cannot show the gap: the sources can.
  test('has the image of every screenshot a guide asks for', () => {
    const docs = join(import.meta.dirname, '../../help-site/src/content/docs');
    const sources = readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.mdx'));
    const wanted = sources.flatMap((file) => [...readFileSync(join(docs, file), 'utf8').matchAll(/<Screenshot\s[^>]*name="([^"]+)"/g)].map((m) => ({ file, name: m[1]! })));
    expect(wanted.length).toBeGreaterThan(3);
    const missing = wanted.filter(({ name }) => !existsSync(join(import.meta.dirname, '../../help-site/public/screenshots', `${name}.png`)));
    expect(missing).toEqual([]);
  });

  test('is a production build with a search index', () => {
    expect(existsSync(join(HELP_DIST, 'pagefind', 'pagefind.js'))).toBe(true);
    expect(read('index.html')).not.toContain('only available in production builds');
  });
});
