import { decodeGlobalID } from '@pothos/plugin-relay';

/** The database id inside a Relay global id of the given type; null when malformed or of another type. */
export function localId(globalId: string, typename: string): string | null {
  try {
    const { typename: actual, id } = decodeGlobalID(globalId);
    return actual === typename && id.length > 0 && id.length <= 64 ? id : null;
  } catch {
    return null;
  }
}

/** An ID argument as a database id of that type; null when malformed or of another type (services answer FORBIDDEN). */
export function idArg(value: string | number, typename: string): string | null {
  return localId(String(value), typename);
}
