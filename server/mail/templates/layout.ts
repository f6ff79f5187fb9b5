/** A line of text, or a link that the text part spells out as "label: url". */
export type EmailLine = string | { label: string; url: string };

export interface EmailContent {
  /** Shown by mail clients next to the subject; hidden in the body. */
  preheader: string;
  heading: string;
  paragraphs: EmailLine[];
  /** Rendered as a numbered list, in this order. */
  steps?: string[];
  button?: { label: string; url: string };
  footer: EmailLine[];
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

// A URL from configuration or a template must never become a javascript: or data: link.
function safeUrl(url: string): string {
  const { protocol } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new Error(`E-mail links must be http(s) URLs, got ${protocol}`);
  }
  return url;
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const TEXT = `${FONT};font-size:16px;line-height:1.5;color:#1f2328`;
const LINK = 'color:#0b57d0;text-decoration:underline';

function lineHtml(line: EmailLine, style: string): string {
  if (typeof line === 'string') return `<p style="margin:0 0 16px;${style}">${escapeHtml(line)}</p>`;
  const href = escapeHtml(safeUrl(line.url));
  return `<p style="margin:0 0 16px;${style}"><a href="${href}" style="${LINK}">${escapeHtml(line.label)}</a></p>`;
}

function lineText(line: EmailLine): string {
  return typeof line === 'string' ? line : `${line.label}: ${safeUrl(line.url)}`;
}

/**
 * Renders the shared layout of every Portico e-mail: an HTML part with inline styles only
 * (mail clients drop <style> and external resources) and a plain-text part with the same content.
 */
export function renderEmail(content: EmailContent): { html: string; text: string } {
  const { preheader, heading, paragraphs, steps = [], button, footer } = content;

  const body: string[] = [`<h1 style="margin:0 0 24px;${FONT};font-size:24px;line-height:1.3;color:#1f2328">${escapeHtml(heading)}</h1>`];
  body.push(...paragraphs.map((line) => lineHtml(line, TEXT)));
  if (steps.length > 0) {
    const items = steps.map((step) => `<li style="margin:0 0 8px">${escapeHtml(step)}</li>`).join('');
    body.push(`<ol style="margin:0 0 24px;padding-left:24px;${TEXT}">${items}</ol>`);
  }
  if (button) {
    const href = escapeHtml(safeUrl(button.url));
    body.push(
      `<p style="margin:0 0 16px"><a href="${href}" style="display:inline-block;padding:12px 24px;border-radius:6px;background-color:#0b57d0;color:#ffffff;${FONT};font-size:16px;font-weight:bold;text-decoration:none">${escapeHtml(button.label)}</a></p>`,
      // Some clients block styled links or images; the bare address always works.
      `<p style="margin:0 0 24px;${TEXT};font-size:14px">If the button does not work, copy this address into your browser:<br><a href="${href}" style="${LINK};word-break:break-all">${href}</a></p>`,
    );
  }
  if (footer.length > 0) {
    const footerStyle = `${FONT};font-size:14px;line-height:1.5;color:#57606a`;
    body.push(`<hr style="border:0;border-top:1px solid #d0d7de;margin:24px 0">`, ...footer.map((line) => lineHtml(line, footerStyle)));
  }

  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light">',
    `<title>${escapeHtml(heading)}</title></head>`,
    '<body style="margin:0;padding:0;background-color:#f6f8fa">',
    `<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all" aria-hidden="true">${escapeHtml(preheader)}</div>`,
    `<div role="article" aria-label="${escapeHtml(heading)}" lang="en" style="max-width:600px;margin:0 auto;padding:32px 24px;background-color:#ffffff">`,
    ...body,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');

  const text: string[] = [heading, '='.repeat(Math.min(heading.length, 72)), ''];
  for (const line of paragraphs) text.push(lineText(line), '');
  if (steps.length > 0) {
    steps.forEach((step, index) => text.push(`${index + 1}. ${step}`));
    text.push('');
  }
  if (button) text.push(`${button.label}:`, safeUrl(button.url), '');
  if (footer.length > 0) text.push('--', ...footer.map(lineText));

  return { html, text: text.join('\n').trimEnd() + '\n' };
}
