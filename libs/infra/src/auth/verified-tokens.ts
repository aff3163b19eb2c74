import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from './authenticated-user';

/** Bounds the memory a flood of distinct valid tokens can take; the oldest entry goes first. */
const MAX_TOKENS = 10_000;

interface Verified {
  user: Readonly<AuthenticatedUser>;
  expiresAtMs: number;
}

/** The `exp` of a token whose signature was just checked, in epoch milliseconds. */
function expiryOf(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Bearer JWTs this process has verified, each kept by its exact text until its own expiry: checking
 * the signature, issuer, audience and lifetime again on every request of the same token was one of
 * the larger costs of a gateway request. Nothing about a token changes those checks' outcome before
 * it expires; what can change (a deactivation, a console session's end) is still checked per request.
 */
@Injectable()
export class VerifiedTokens {
  private readonly verified = new Map<string, Verified>();

  user(token: string, now = Date.now()): Readonly<AuthenticatedUser> | undefined {
    const entry = this.verified.get(token);
    if (!entry) return undefined;
    if (now < entry.expiresAtMs) return entry.user;
    this.verified.delete(token);
    return undefined;
  }

  /** Only for a token the strategy has just accepted: its payload is read, not checked, here. */
  remember(token: string, user: AuthenticatedUser): void {
    const expiresAtMs = expiryOf(token);
    if (expiresAtMs === null) return;
    if (this.verified.size >= MAX_TOKENS) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, { user: Object.freeze({ ...user, roles: [...user.roles] }), expiresAtMs });
  }
}
