// Each bench file reports its numbers to bench/run.ts on one line of its own, which run.ts merges into the single
// JSON object it prints last.
export const RESULT_PREFIX = 'PORTICO_BENCH_RESULT ';

export function report(values: Record<string, unknown>): void {
  console.log(RESULT_PREFIX + JSON.stringify(values));
}
