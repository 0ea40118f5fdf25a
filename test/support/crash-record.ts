/** The record the store crash test writes at step `n`: large enough that a torn write shows. */
export function crashRecord(n: number): Record<string, unknown> {
  return {
    n,
    refresh_token: `1//0step-${n}`,
    padding: `${n}:`.padEnd(16_384 + (n % 7) * 1024, 'x'),
  };
}
