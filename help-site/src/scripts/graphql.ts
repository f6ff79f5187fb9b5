// The account pages' only way to the server: POST /graphql on the page's own origin, with the session cookie.

/** What every typed error of the API carries (the `Error` interface). */
export interface ApiError {
  __typename: string;
  code: string;
  message: string;
  helpUrl: string | null;
}

/** The request itself failed: no server, not signed in, a GraphQL error. Shown as a sentence; `code` when known. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'RequestFailed';
  }
}

const UNREACHABLE = 'The portal did not answer. Check your connection and try again in a moment.';
/** Runs one operation; resolves with `data`, or rejects with RequestFailed. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      // application/json (not graphql-response+json) keeps GraphQL errors on status 200, answered in the body.
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new RequestFailed(UNREACHABLE, 'NETWORK');
  }
  const body = (await response.json().catch(() => null)) as { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> } | null;
  const first = body?.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? null;
    if (code === 'UNAUTHENTICATED') throw new RequestFailed(SIGNED_OUT, code);
    throw new RequestFailed(code === 'RATE_LIMITED' || code === 'FORBIDDEN' ? first.message : 'Something went wrong on our side. Try again in a moment.', code);
  }
  if (!body?.data) throw new RequestFailed(UNREACHABLE, 'NETWORK');
  // A mutation refused because the session ended answers UnauthenticatedError in its union: every page says the
  // same sentence for it, wherever it came from.
  for (const value of Object.values(body.data as Record<string, unknown>)) {
    if (isApiError(value) && value.code === 'UNAUTHENTICATED') throw new RequestFailed(SIGNED_OUT, value.code);
  }
  return body.data;
}

const SIGNED_OUT = 'You are no longer signed in. Sign in again, then try once more.';

/** A mutation's union result is an error when it carries a `code`. */
export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string';
}

/** Selects every typed error's fields in a union result. */
export const ERROR_FIELDS = '__typename ... on Error { code message helpUrl }';
