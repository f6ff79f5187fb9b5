// The API tokens page (/account/admin/tokens/?organization=<id>): a view over Organization.apiTokens,
// createApiToken and revokeApiToken. The secret lives only in the panel that shows it, until the person hides it.
import { byId, fieldError, fill, formatDate, say, showView, whileBusy } from './dom.js';
import { ERROR_FIELDS, graphql, isApiError, RequestFailed, type ApiError } from './graphql.js';
import { enterAdmin } from './admin.js';

type Kind = 'CUSTOMER' | 'PARTNER' | 'VENDOR';
type Role = 'SUPPORT' | 'PARTNER' | 'ADMIN' | 'MEMBER';

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  state: 'ACTIVE' | 'EXPIRED' | 'REVOKED';
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: { displayName: string };
}

interface OrganizationTokens {
  id: string;
  name: string;
  kind: Kind;
  apiTokens: { totalCount: number; edges: Array<{ node: TokenRow }> };
}

const TOKEN_FIELDS = 'id name role prefix state expiresAt lastUsedAt revokedAt createdBy { displayName }';
const OWN_ORGANIZATION = 'query OwnOrganization { viewer { currentProfile { organization { id } } } }';
const TOKENS = `query ApiTokens($id: ID!) {
  organization(id: $id) { id name kind apiTokens(first: 100, includeRevoked: true) { totalCount edges { node { ${TOKEN_FIELDS} } } } }
}`;
const CREATE = `mutation CreateApiToken($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { ${ERROR_FIELDS} ... on InvalidInputError { field } ... on CreateApiTokenSuccess { secret apiToken { ${TOKEN_FIELDS} } } }
}`;
const REVOKE = `mutation RevokeApiToken($id: ID!) { revokeApiToken(apiTokenId: $id) { __typename ... on RevokeApiTokenSuccess { apiToken { ${TOKEN_FIELDS} } } } }`;

/** The roles a token of this kind of organization may have, the strongest first, as people read them. */
const ROLE_CHOICES: Record<Kind, Array<[Role, string]>> = {
  CUSTOMER: [['ADMIN', 'Administrator: everything you can do in the organization']],
  PARTNER: [['PARTNER', 'Partner administrator: your organization and the customers it serves']],
  VENDOR: [['SUPPORT', 'Vendor support: every organization']],
};
const MEMBER_CHOICE: [Role, string] = ['MEMBER', 'Member: reads the organization, changes nothing'];
const ROLE_NAMES: Record<Role, string> = { SUPPORT: 'Vendor support', PARTNER: 'Partner administrator', ADMIN: 'Administrator', MEMBER: 'Member' };
const STATE_NAMES: Record<TokenRow['state'], string> = { ACTIVE: 'Active', EXPIRED: 'Expired', REVOKED: 'Revoked' };

const failed = (failure: unknown) => (failure instanceof RequestFailed ? failure.message : 'Something went wrong. Try again.');

export function startApiTokensPage(): void {
  const root = byId('tokens');
  let organization: OrganizationTokens;
  let revoking: TokenRow | null = null;

  function renderRows() {
    const rows = byId('token-rows');
    rows.replaceChildren();
    const tokens = organization.apiTokens.edges.map((e) => e.node);
    for (const token of tokens) {
      const tr = document.createElement('tr');
      const cells = [
        token.name,
        ROLE_NAMES[token.role],
        `${token.prefix}…`,
        token.createdBy.displayName,
        formatDate(token.expiresAt),
        token.lastUsedAt ? formatDate(token.lastUsedAt) : 'Never',
        token.state === 'REVOKED' && token.revokedAt ? `Revoked on ${formatDate(token.revokedAt)}` : STATE_NAMES[token.state],
      ];
      for (const [index, text] of cells.entries()) {
        const cell = document.createElement(index === 0 ? 'th' : 'td');
        if (index === 0) cell.setAttribute('scope', 'row');
        cell.textContent = text;
        tr.append(cell);
      }
      const actions = document.createElement('td');
      if (token.state !== 'REVOKED') {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'secondary';
        button.textContent = 'Revoke';
        button.setAttribute('aria-label', `Revoke ${token.name}`);
        button.addEventListener('click', () => askToRevoke(token));
        actions.append(button);
      }
      tr.append(actions);
      rows.append(tr);
    }
    const active = tokens.filter((t) => t.state === 'ACTIVE').length;
    fill(root, { count: tokens.length ? `${active} active, ${tokens.length} in all.` : 'No tokens yet.' });
    byId('token-table').hidden = tokens.length === 0;
  }

  function askToRevoke(token: TokenRow) {
    revoking = token;
    const panel = byId('revoke-confirm');
    fill(panel, { revokeName: token.name });
    panel.hidden = false;
    byId('revoke-heading').focus();
  }

  function closeRevoke() {
    revoking = null;
    byId('revoke-confirm').hidden = true;
  }

  function setUpRevoke() {
    const panel = byId('revoke-confirm');
    const status = byId('revoke-status');
    byId('revoke-no').addEventListener('click', () => {
      closeRevoke();
      say(status, '');
    });
    byId('revoke-yes').addEventListener('click', () => {
      const token = revoking;
      if (!token) return;
      void whileBusy(panel, async () => {
        try {
          const { revokeApiToken: result } = await graphql<{ revokeApiToken: { apiToken: TokenRow } }>(REVOKE, { id: token.id });
          const edge = organization.apiTokens.edges.find((e) => e.node.id === token.id);
          if (edge) edge.node = result.apiToken;
          closeRevoke();
          renderRows();
          say(status, `The token «${token.name}» is revoked: it no longer works.`, 'success');
        } catch (failure) {
          say(status, failed(failure), 'error');
        }
      });
    });
  }

  function setUpCreate() {
    const form = byId<HTMLFormElement>('create-form');
    const name = byId<HTMLInputElement>('token-name');
    const role = byId<HTMLSelectElement>('token-role');
    const expiry = byId<HTMLSelectElement>('token-expiry');
    const error = byId('create-error');
    const status = byId('create-status');
    for (const [value, label] of [...ROLE_CHOICES[organization.kind], MEMBER_CHOICE]) role.add(new Option(label, value));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      fieldError(name, error, null);
      say(status, '');
      if (name.value.trim() === '') {
        fieldError(name, error, 'Give the token a name that says what uses it.');
        name.focus();
        return;
      }
      void whileBusy(form, async () => {
        say(status, 'Creating…');
        try {
          const input = { organizationId: organization.id, name: name.value.trim(), role: role.value, expiresInDays: Number(expiry.value) };
          const { createApiToken: result } = await graphql<{ createApiToken: (ApiError & { field?: string }) | { secret: string; apiToken: TokenRow } }>(CREATE, { input });
          if (isApiError(result)) {
            say(status, '');
            fieldError(name, error, result.message);
            name.focus();
            return;
          }
          organization.apiTokens.edges.unshift({ node: result.apiToken });
          renderRows();
          form.reset();
          say(status, '');
          showSecret(result.apiToken.name, result.secret);
        } catch (failure) {
          say(status, failed(failure), 'error');
        }
      });
    });
  }

  function showSecret(tokenName: string, secret: string) {
    const panel = byId('new-secret');
    fill(panel, { newName: tokenName });
    byId<HTMLInputElement>('new-secret-value').value = secret;
    say(byId('copy-status'), '');
    panel.hidden = false;
    byId('new-secret-heading').focus();
  }

  function setUpSecretPanel() {
    const value = byId<HTMLInputElement>('new-secret-value');
    const status = byId('copy-status');
    byId('copy-secret').addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(value.value);
        say(status, 'Copied. Paste it where your script keeps its secrets.', 'success');
      } catch {
        value.select();
        say(status, 'Your browser did not allow copying: the token is selected, copy it with Ctrl+C (⌘C on a Mac).', 'error');
      }
    });
    byId('hide-secret').addEventListener('click', () => {
      value.value = '';
      byId('new-secret').hidden = true;
      byId('token-name').focus();
    });
  }

  async function load(): Promise<void> {
    // Signed out, no profile chosen, or managing nothing: the views every administration page shares.
    const viewer = await enterAdmin(root);
    if (!viewer?.currentProfile) return;
    let id = new URLSearchParams(location.search).get('organization');
    if (!id) {
      const own = await graphql<{ viewer: { currentProfile: { organization: { id: string } } | null } }>(OWN_ORGANIZATION);
      id = own.viewer.currentProfile?.organization.id ?? '';
    }
    try {
      const data = await graphql<{ organization: OrganizationTokens }>(TOKENS, { id });
      organization = data.organization;
    } catch (failure) {
      if (failure instanceof RequestFailed && failure.code === 'FORBIDDEN') {
        return void fill(showView(root, 'forbidden'), { forbidden: `Your profile (${viewer.currentProfile.displayName}, ${viewer.currentProfile.organization.name}) may not manage this organization's API tokens.` });
      }
      throw failure;
    }
    fill(showView(root, 'tokens'), { organization: organization.name });
    renderRows();
    setUpCreate();
    setUpSecretPanel();
    setUpRevoke();
  }

  load().catch((failure: unknown) => fill(showView(root, 'problem'), { problem: failed(failure) }));
}
