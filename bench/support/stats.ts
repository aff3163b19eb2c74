/** Nearest-rank percentile of a sample; NaN for an empty one. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

export const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');
