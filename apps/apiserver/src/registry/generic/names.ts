// generateName: upstream SimpleNameGenerator (5 random chars, base truncated to 58).
const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
const maxNameLength = 63;
const randomLength = 5;
const maxGeneratedNameLength = maxNameLength - randomLength;

export function generateName(base: string, random: () => number = Math.random): string {
  const b = base.length > maxGeneratedNameLength ? base.slice(0, maxGeneratedNameLength) : base;
  let s = '';
  for (let i = 0; i < randomLength; i++) s += alphanums[Math.floor(random() * alphanums.length)] ?? 'b';
  return b + s;
}
