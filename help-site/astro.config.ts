import { fileURLToPath } from 'node:url';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import starlightLinksValidator from 'starlight-links-validator';
import pageSizeReport from './plugins/page-size-report.js';
import remarkSiteTokens from './plugins/remark-site-tokens.js';

const errorPages = [
  'invitation-not-found',
  'invitation-expired',
  'invitation-used',
  'invitation-replaced',
  'invitation-revoked',
  'profile-removed',
  'service-plan-inactive',
  'last-administrator',
  'duplicate-email',
  'invalid-input',
  'rate-limited',
  'not-your-profile',
];
const commonProblems = [
  'junk-mail',
  'forgot-password',
  'forwarded-link',
  'broken-link',
  'wrong-account-linked',
  'no-password-prompt',
  'email-already-registered',
  'email-address-changed',
];

export default defineConfig({
  // Served by the Portico server at `/`, on the same origin as /graphql and /account/*.
  trailingSlash: 'ignore',
  markdown: {
    remarkPlugins: [remarkSiteTokens],
  },
  vite: {
    define: {
      // The screenshot component shows an image only when the browser tests have produced it.
      __PORTICO_SCREENSHOTS_DIR__: JSON.stringify(fileURLToPath(new URL('./public/screenshots/', import.meta.url))),
    },
  },
  integrations: [
    starlight({
      // %VENDOR% is filled in by the Portico server as it serves each page (see plugins/remark-site-tokens.ts).
      title: 'Portico help · %VENDOR%',
      description: 'How to get into the %VENDOR% customer portal: invitations, sign-in, profiles and administration.',
      favicon: '/favicon.svg',
      // British English: pages say "30 October 2026", as the e-mails do (server/format.ts reads the page's lang).
      locales: { root: { label: 'English', lang: 'en-GB' } },
      customCss: ['./src/styles/custom.css'],
      // The account bar on every help page (see the component).
      components: { Banner: './src/components/Banner.astro' },
      lastUpdated: false,
      // Wrapped code never scrolls sideways, so it needs no keyboard focus to read (axe: scrollable-region-focusable).
      expressiveCode: { defaultProps: { wrap: true } },
      pagination: true,
      plugins: [
        starlightLinksValidator({
          // The account pages and the API are served by the Portico server, not by this site, and the portal
          // address is a placeholder the server fills in.
          exclude: ['/account', '/account/**', '/graphql', '/graphql/**', '/auth/**', '%PORTAL%', '%PORTAL%/**'],
          errorOnLocalLinks: false,
        }),
      ],
      sidebar: [
        { label: 'Start here', autogenerate: { directory: 'start' } },
        { label: 'Guides', autogenerate: { directory: 'guides' } },
        {
          label: 'Troubleshooting',
          items: [
            { label: 'Find your problem', slug: 'troubleshooting' },
            {
              label: 'Common problems',
              items: commonProblems.map((slug) => ({ slug: `troubleshooting/${slug}` })),
            },
            {
              label: 'Error messages',
              collapsed: true,
              items: errorPages.map((slug) => ({ slug: `troubleshooting/${slug}` })),
            },
          ],
        },
        { label: 'FAQ', slug: 'faq' },
        { label: 'For administrators', autogenerate: { directory: 'admins' } },
        {
          label: 'Reference',
          items: [
            { slug: 'reference/graphiql-recipes' },
            { slug: 'reference/client-apps' },
            { label: 'API reference', autogenerate: { directory: 'reference/api' } },
          ],
        },
      ],
    }),
    pageSizeReport(),
  ],
});
