/** The time claims of a verified token, in seconds since the epoch, as the token states them. */
export interface TokenTimes {
  exp?: unknown;
  iat?: unknown;
}

/**
 * Why a token's lifetime is unacceptable, or null. A token must expire, and no later than `maxSeconds`
 * after it was issued; its issue time counts only when it is in the past, so a token claiming a future
 * `iat` cannot stretch its validity beyond `maxSeconds` from now.
 */
export function tokenLifetimeProblem(
  claims: TokenTimes,
  nowSeconds: number,
  maxSeconds: number,
): string | null {
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return 'Token has no expiry (exp)';
  const issued = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? claims.iat : nowSeconds;
  if (claims.exp - Math.min(issued, nowSeconds) > maxSeconds) {
    return `Token lifetime exceeds the ${maxSeconds} s this server accepts`;
  }
  return null;
}
