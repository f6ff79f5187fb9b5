import { describe, expect, it } from 'vitest';
import { escapeHtml, renderEmail } from '../../server/mail/templates/layout.js';

const invitation = {
  preheader: 'Your personal link to the Fabrikam Ltd portal',
  heading: `Welcome, <b>O'Brien</b> & "Co"`,
  paragraphs: ['Alex Admin <alex@fabrikam.example> invited you.'],
  steps: ['Have or create a personal or work account.', 'Open your personal link and sign in.', 'Bookmark the portal.'],
  button: { label: 'Open your personal link', url: 'https://portico.test/account/associate#token=a&b' },
  footer: ['This link is yours alone — do not forward it.', { label: 'Help', url: 'https://portico.test/help/' }],
};

describe('e-mail layout', () => {
  it('escapes names and other text in the HTML part', () => {
    const { html } = renderEmail(invitation);
    expect(html).not.toContain("<b>O'Brien</b>");
    expect(html).not.toContain('<alex@fabrikam.example>');
    expect(html).toContain('Welcome, &lt;b&gt;O&#39;Brien&lt;/b&gt; &amp; &quot;Co&quot;');
    expect(html).toContain('Alex Admin &lt;alex@fabrikam.example&gt; invited you.');
    expect(html).toContain('href="https://portico.test/account/associate#token=a&amp;b"');
  });

  it('keeps the plain-text part unescaped, with the steps in order and the button URL', () => {
    const { text } = renderEmail(invitation);
    expect(text).toContain(`Welcome, <b>O'Brien</b> & "Co"`);
    const positions = invitation.steps.map((step, i) => text.indexOf(`${i + 1}. ${step}`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(text).toContain('https://portico.test/account/associate#token=a&b');
    expect(text).toContain('Help: https://portico.test/help/');
  });

  it('lists the steps as an ordered list in the HTML part, in order', () => {
    const { html } = renderEmail(invitation);
    const list = html.match(/<ol[^>]*>(.*?)<\/ol>/s)?.[1] ?? '';
    const items = [...list.matchAll(/<li[^>]*>(.*?)<\/li>/g)].map((m) => m[1]);
    expect(items).toEqual(invitation.steps.map(escapeHtml));
  });

  it('uses inline styles only and loads nothing from elsewhere', () => {
    const { html } = renderEmail(invitation);
    expect(html).not.toMatch(/<style|<link|<img|<script|<table/i);
    expect(html).toContain('<html lang="en">');
  });

  it('refuses a button URL that is not http(s)', () => {
    expect(() => renderEmail({ ...invitation, button: { label: 'Click', url: 'javascript:alert(1)' } })).toThrow(/http/);
  });

  it('escapes every character that matters in content and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
