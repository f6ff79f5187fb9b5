// GraphiQL as the power users' way to fix an account: it opens with the account-fix operations as ready tabs (when
// the browser has no tabs of its own saved yet), each saying what it does and where its help page is, and with its
// History panel (withHistoryPanel).
import type { GraphiQLOptions } from 'graphql-yoga';
import type { Config } from '../config.js';
import { HELP_PAGES } from '../help-pages.js';

interface Tab {
  query: string;
  /** The same values as the operation's variable defaults (which run even when a GraphiQL build drops a tab's variables). */
  variables: Record<string, unknown>;
}

/** The account-fix operations, in the order a support call goes: find and diagnose, then the fixes. */
export function accountFixTabs(helpUrl: string): Tab[] {
  const help = (path: string) => `${helpUrl.replace(/\/+$/, '')}${path}`;
  return [
    {
      query: `# Find a person by e-mail and see why they cannot get in: each finding says what to do.
# Help: ${help(HELP_PAGES.resendInvitation)}
query FindAndDiagnose($email: String! = "someone@example.com") {
  diagnoseAccess(email: $email) {
    profiles { id displayName isAdministrator organization { id name } latestInvitation { state delivery { status lastError } } }
    findings { code message fix helpUrl profile { id } }
  }
}
`,
      variables: { email: 'someone@example.com' },
    },
    {
      query: `# Send the person a new invitation link; earlier links stop working. Use the profile id from FindAndDiagnose.
# Help: ${help(HELP_PAGES.resendInvitation)}
mutation Resend($profileId: ID! = "paste the profile id") {
  resendInvitation(profileId: $profileId) {
    __typename
    ... on ResendInvitationSuccess { invitation { sentTo expiresAt } }
    ... on Error { code message helpUrl }
  }
}
`,
      variables: { profileId: 'paste the profile id' },
    },
    {
      query: `# Make a person an administrator (isAdministrator: false takes the role away; the last administrator keeps it).
# Help: ${help('/admins/administrators/')}
mutation MakeAdministrator($profileId: ID! = "paste the profile id", $isAdministrator: Boolean! = true) {
  setAdministrator(profileId: $profileId, isAdministrator: $isAdministrator) {
    __typename
    ... on SetAdministratorSuccess { profile { displayName isAdministrator } }
    ... on Error { code message helpUrl }
  }
}
`,
      variables: { profileId: 'paste the profile id', isAdministrator: true },
    },
    {
      query: `# Correct a person's e-mail address; links sent to the old one stop working, and a new one is sent.
# Help: ${help(HELP_PAGES.changeEmail)}
mutation ChangeEmail($profileId: ID! = "paste the profile id", $email: String! = "new.address@example.com") {
  updateProfile(input: { profileId: $profileId, email: $email, sendInvitation: true }) {
    __typename
    ... on UpdateProfileSuccess { profile { email pendingEmail } }
    ... on Error { code message helpUrl }
  }
}
`,
      variables: { profileId: 'paste the profile id', email: 'new.address@example.com' },
    },
    {
      query: `# Remove a person from their organization (kept for the audit log); their sessions as this profile end.
# Help: ${help('/admins/remove-someone/')}
mutation Remove($profileId: ID! = "paste the profile id") {
  removeProfile(profileId: $profileId) {
    __typename
    ... on RemoveProfileSuccess { profile { displayName status } }
    ... on Error { code message helpUrl }
  }
}
`,
      variables: { profileId: 'paste the profile id' },
    },
  ];
}

export function graphiqlOptions(config: Pick<Config, 'helpUrl'>): GraphiQLOptions {
  const tabs = accountFixTabs(config.helpUrl);
  return {
    title: 'Portico GraphiQL',
    defaultTabs: tabs.map((tab) => ({ query: tab.query, variables: JSON.stringify(tab.variables, null, 2) })),
  };
}

/**
 * Yoga's GraphiQL page with the History panel in its sidebar. Yoga's bundle carries GraphiQL's History plugin but
 * mounts only its Explorer, and takes no option for more; so the page's code is given the History plugin beside the
 * Explorer where it mounts its plugins. Both names are found in the bundle, not assumed; when a Yoga upgrade changes
 * them the page is served as Yoga renders it, and the browser test that opens History goes red.
 */
export function withHistoryPanel(html: string): string {
  const history = /\b(?:const|let|var) ([\w$]+)=\{title:"History",icon:/.exec(html)?.[1];
  const mount = /plugins:\[([\w$]+)\],schemaDescription:/;
  if (!history || !mount.test(html)) return html;
  return html.replace(mount, (_all, explorer: string) => `plugins:[${explorer},${history}],schemaDescription:`);
}
