/**
 * The vendor-specific words of the help site, read once at build time.
 * Pages use them through tokens (see plugins/remark-site-tokens.ts), so the same
 * text serves every vendor that runs Portico.
 */
export interface SiteConfig {
  vendorName: string;
  portalUrl: string;
  supportEmail: string;
}

function read(name: string, fallback: string): string {
  const value = process.env[name]?.trim();
  return value ? value : fallback;
}

export const siteConfig: SiteConfig = {
  vendorName: read('PORTICO_VENDOR_NAME', 'Northwind Software'),
  portalUrl: read('PORTICO_PORTAL_URL', 'http://localhost:3000').replace(/\/+$/, ''),
  supportEmail: read('PORTICO_SUPPORT_EMAIL', 'support@northwind.example'),
};

/** Tokens authors write in Markdown/MDX text; `%…%` survives both Markdown and MDX parsing. */
export const TOKENS = {
  '%VENDOR%': 'vendorName',
  '%PORTAL%': 'portalUrl',
  '%SUPPORT_EMAIL%': 'supportEmail',
} as const satisfies Record<string, keyof SiteConfig>;
