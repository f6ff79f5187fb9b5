// Who is signed in, as which profile: asked once per page and shared by the account bar and the page's own script.
import { graphql } from './graphql.js';

export interface ProfileSummary {
  id: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  isAdministrator: boolean;
  usable: boolean;
  unusableReason: string | null;
  organization: { id: string; name: string; kind: 'CUSTOMER' | 'PARTNER' | 'VENDOR'; hasActiveServicePlan: boolean };
}

export interface ViewerData {
  signedIn: boolean;
  identity: { email: string | null; provider: { key: string; displayName: string } } | null;
  currentProfile: ProfileSummary | null;
  profiles: ProfileSummary[];
  /** Whether the current profile manages any organization: the account bar then offers Administration. */
  mayAdminister: boolean;
  isSupport: boolean;
}

export const PROFILE_FIELDS = `id givenName familyName displayName email isAdministrator usable unusableReason
  organization { id name kind hasActiveServicePlan }`;

const VIEWER_QUERY = `query AccountViewer {
  viewer {
    signedIn
    identity { email provider { key displayName } }
    currentProfile { ${PROFILE_FIELDS} }
    profiles { ${PROFILE_FIELDS} }
    mayAdminister
    isSupport
  }
}`;

let viewer: Promise<ViewerData> | undefined;

export function loadViewer(): Promise<ViewerData> {
  viewer ??= graphql<{ viewer: ViewerData }>(VIEWER_QUERY).then((data) => data.viewer);
  return viewer;
}

/** After a change (linking, switching): the next loadViewer() asks again, and the account bar follows. */
export function refreshViewer(): Promise<ViewerData> {
  viewer = undefined;
  const next = loadViewer();
  document.dispatchEvent(new CustomEvent('portico:viewer', { detail: next }));
  return next;
}

/** "Personal account" / "Work or school account", lower-cased for the middle of a sentence. */
export const accountTypeInSentence = (displayName: string) => displayName.charAt(0).toLowerCase() + displayName.slice(1);
