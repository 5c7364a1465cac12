// Go's time.ParseDuration, as every component's duration flags take them (`40s`, `1m30s`, `1h0m0s`,
// `500ms`, `0`), in milliseconds. Signs and unitless numbers other than 0 are rejected.

const unitMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds, or undefined when `s` is not a Go duration. */
export function parseDuration(s: string): number | undefined {
  if (s === '0') return 0;
  let total = 0;
  let rest = s;
  if (rest === '') return undefined;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (m === null) return undefined;
    total += Number(m[1]) * (unitMs[m[2] ?? ''] ?? NaN);
    rest = rest.slice(m[0].length);
  }
  return total;
}
