// fmt.Sprintf("%0.10f", 1.0/float64(n)) for the statistic match (pkg/proxy/iptables/proxier.go
// computeProbability), cached like upstream's precomputedProbabilities.

const cache: string[] = [];

/**
 * 1/n with 10 decimals, rounded as Go rounds: correctly from the exact binary value, ties to even.
 * JS toFixed also rounds from the exact value but breaks ties upwards; a tie at the 11th decimal
 * only happens for n = 2048 (1/2048 = 0.00048828125), handled exactly.
 */
export function probability(n: number): string {
  const hit = cache[n];
  if (hit !== undefined) return hit;
  const s = n === 2048 ? '0.0004882812' : (1 / n).toFixed(10);
  cache[n] = s;
  return s;
}
