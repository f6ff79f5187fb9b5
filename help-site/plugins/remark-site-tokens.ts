/**
 * The deployment's details in Markdown and MDX: authors write %VENDOR%, %PORTAL% and %SUPPORT_EMAIL%, and the built
 * pages keep them as placeholders that the Portico server fills from its own configuration when it serves a page
 * (server/portal-config.ts). So one build serves every deployment and no page can name an address the server does
 * not have. In running text the portal address becomes a link and the support address a mailto link; the search
 * index skips the placeholders. An unknown %TOKEN% fails the build, so a typo never reaches a reader.
 */

export const SITE_TOKENS = ['VENDOR', 'PORTAL', 'SUPPORT_EMAIL'] as const;

interface Node {
  type: string;
  value?: string;
  url?: string;
  children?: Node[];
  attributes?: { type: string; name?: string; value?: unknown }[];
  data?: { hName?: string; hProperties?: Record<string, string> };
}

const TOKEN_PATTERN = /%(?:25)?([A-Z][A-Z_]*)%(?:25)?/g;

function check(input: string, where: string): void {
  for (const match of input.matchAll(TOKEN_PATTERN)) {
    const name = match[1] ?? '';
    if (!(SITE_TOKENS as readonly string[]).includes(name)) throw new Error(`Unknown help-site token %${name}% in ${where}`);
  }
}

/** A placeholder in running text: a span the search index skips (it would only find the placeholder). */
const unindexed = (children: Node[]): Node => ({ type: 'emphasis', data: { hName: 'span', hProperties: { 'data-pagefind-ignore': '' } }, children });

export default function remarkSiteTokens() {
  const splitText = (value: string, where: string, insideLink: boolean): Node[] => {
    check(value, where);
    const nodes: Node[] = [];
    let last = 0;
    for (const match of value.matchAll(TOKEN_PATTERN)) {
      const name = match[1] ?? '';
      const token = `%${name}%`;
      if (match.index > last) nodes.push({ type: 'text', value: value.slice(last, match.index) });
      if (insideLink) nodes.push({ type: 'text', value: token });
      else if (name === 'VENDOR') nodes.push(unindexed([{ type: 'text', value: token }]));
      else {
        const url = name === 'SUPPORT_EMAIL' ? `mailto:${token}` : token;
        nodes.push(unindexed([{ type: 'link', url, children: [{ type: 'text', value: token }] }]));
      }
      last = match.index + match[0].length;
    }
    if (last < value.length) nodes.push({ type: 'text', value: value.slice(last) });
    return nodes;
  };

  const walk = (node: Node, where: string, insideLink: boolean): void => {
    if ((node.type === 'link' || node.type === 'definition') && node.url) check(node.url, where);
    if ((node.type === 'inlineCode' || node.type === 'code') && node.value) check(node.value, where);
    for (const attribute of node.attributes ?? []) {
      if (typeof attribute.value === 'string') check(attribute.value, where);
    }
    if (!node.children) return;
    const linkHere = insideLink || node.type === 'link' || node.type === 'linkReference';
    node.children = node.children.flatMap((child) => {
      if (child.type === 'text' && child.value && /%(?:25)?[A-Z][A-Z_]*%/.test(child.value)) return splitText(child.value, where, linkHere);
      walk(child, where, linkHere);
      return [child];
    });
  };

  return (tree: unknown, file: { path?: string }) => walk(tree as Node, file.path ?? 'a page', false);
}
