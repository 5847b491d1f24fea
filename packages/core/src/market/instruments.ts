/** Our security master: the US stocks customers may trade. Orders for anything else are refused before any write. */
export const INSTRUMENTS = [
  { symbol: "AAPL", name: "Apple Inc." },
  { symbol: "MSFT", name: "Microsoft Corp." },
  { symbol: "NVDA", name: "NVIDIA Corp." },
  { symbol: "TSLA", name: "Tesla Inc." },
  { symbol: "AMZN", name: "Amazon.com Inc." },
  { symbol: "GOOGL", name: "Alphabet Inc. Class A" },
  { symbol: "META", name: "Meta Platforms Inc." },
] as const;

const bySymbol = new Map<string, { symbol: string; name: string }>(
  INSTRUMENTS.map((instrument) => [instrument.symbol, instrument]),
);

export function findInstrument(symbol: string) {
  return bySymbol.get(symbol) ?? null;
}
