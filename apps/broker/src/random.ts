export type Random = () => number;

export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function chance(random: Random, rate: number): boolean {
  return rate > 0 && random() < rate;
}
