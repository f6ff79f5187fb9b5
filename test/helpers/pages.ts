// Walking a Relay connection page by page, as a client with "Next" and "Previous" buttons does.
export interface CursorPage<N> {
  edges: { node: N }[];
  pageInfo: { startCursor: string | null; endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
}

/**
 * Every node, `size` per page, forwards (first/after) or backwards (last/before), each page asked from the cursor of
 * the one before; `fetchPage` gets those four arguments to add to its own.
 */
export async function walkPages<N>(fetchPage: (window: Record<string, unknown>) => Promise<CursorPage<N>>, direction: 'forwards' | 'backwards', size = 2): Promise<N[]> {
  const nodes: N[] = [];
  let cursor: string | null = null;
  for (let more = true; more; ) {
    const forwards = direction === 'forwards';
    const next = await fetchPage(forwards ? { first: size, after: cursor } : { last: size, before: cursor });
    const found = next.edges.map((e) => e.node);
    if (forwards) nodes.push(...found);
    else nodes.unshift(...found);
    cursor = forwards ? next.pageInfo.endCursor : next.pageInfo.startCursor;
    more = forwards ? next.pageInfo.hasNextPage : next.pageInfo.hasPreviousPage;
  }
  return nodes;
}
