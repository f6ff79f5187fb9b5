/**
 * Replaces the site tokens (%VENDOR%, %PORTAL%, %SUPPORT_EMAIL%) in Markdown and MDX with the
 * values of the build's configuration. In running text the portal address becomes a link and the
 * support address a mailto link; in code, link targets and component attributes the plain value
 * is used. An unknown %TOKEN% fails the build, so a typo never reaches a reader.
 */
import { TOKENS, type SiteConfig } from '../src/site-config.js';

interface Node {
  type: string;
  value?: string;
  url?: string;
  children?: Node[];
  attributes?: { type: string; name?: string; value?: unknown }[];
}

const TOKEN_PATTERN = /%(?:25)?([A-Z][A-Z_]*)%(?:25)?/g;

export default function remarkSiteTokens(config: SiteConfig) {
  const valueOf = (name: string, where: string): string => {
    const key = TOKENS[`%${name}%` as keyof typeof TOKENS];
    if (!key) throw new Error(`Unknown help-site token %${name}% in ${where}`);
    return config[key];
  };
  const replaceAll = (input: string, where: string): string =>
    input.replace(TOKEN_PATTERN, (_match, name: string) => valueOf(name, where));

  const splitText = (value: string, where: string, insideLink: boolean): Node[] => {
    const nodes: Node[] = [];
    let last = 0;
    for (const match of value.matchAll(TOKEN_PATTERN)) {
      const name = match[1] ?? '';
      const replacement = valueOf(name, where);
      if (match.index > last) nodes.push({ type: 'text', value: value.slice(last, match.index) });
      if (insideLink || name === 'VENDOR') {
        nodes.push({ type: 'text', value: replacement });
      } else {
        const url = name === 'SUPPORT_EMAIL' ? `mailto:${replacement}` : replacement;
        nodes.push({ type: 'link', url, children: [{ type: 'text', value: replacement }] });
      }
      last = match.index + match[0].length;
    }
    if (last < value.length) nodes.push({ type: 'text', value: value.slice(last) });
    return nodes;
  };

  const walk = (node: Node, where: string, insideLink: boolean): void => {
    if ((node.type === 'link' || node.type === 'definition') && node.url) {
      node.url = replaceAll(node.url, where);
    }
    if ((node.type === 'inlineCode' || node.type === 'code') && node.value) {
      node.value = replaceAll(node.value, where);
    }
    for (const attribute of node.attributes ?? []) {
      if (typeof attribute.value === 'string') attribute.value = replaceAll(attribute.value, where);
    }
    if (!node.children) return;
    const linkHere = insideLink || node.type === 'link' || node.type === 'linkReference';
    node.children = node.children.flatMap((child) => {
      if (child.type === 'text' && child.value && TOKEN_PATTERN.test(child.value)) {
        TOKEN_PATTERN.lastIndex = 0;
        return splitText(child.value, where, linkHere);
      }
      TOKEN_PATTERN.lastIndex = 0;
      walk(child, where, linkHere);
      return [child];
    });
  };

  return (tree: unknown, file: { path?: string }) => walk(tree as Node, file.path ?? 'a page', false);
}
