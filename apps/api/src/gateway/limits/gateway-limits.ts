import { Injectable } from '@nestjs/common';
import {
  admissionTokens,
  admit,
  isIdle,
  parseRateLimits,
  rateLimitHeaders,
  release,
  UNUSED,
  type LimitDimension,
  type LimitScope,
  type LimitUsage,
  type RateLimit,
  type RateLimitPolicy,
  type Tier,
} from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import type { GatewayCaller } from '../completion/gateway-request';

/** How often scopes that have drained are forgotten, so the maps hold only recent callers. */
const SWEEP_INTERVAL_MS = 60_000;

interface Tracked {
  usage: LimitUsage;
  limit: RateLimit;
}

/** One scope a request was admitted into, by its map key and the limit it was admitted under. */
interface Slot {
  id: string;
  name: string;
  limit: RateLimit;
}

/** An admitted request's hold on its scopes, until `finish` frees it. */
export interface LimitLease {
  slots: Slot[];
  estimatedTokens: number;
}

export type LimitDecision =
  | { admitted: true; lease: LimitLease; headers: Record<string, string> }
  | {
      admitted: false;
      dimension: LimitDimension;
      retryAfterMs: number;
      message: string;
      headers: Record<string, string>;
    };

/**
 * The gateway's rate and concurrency limits for this process (the policy is pure code in
 * libs/domain; this keeps the state). State lives in memory, so each API replica enforces the limits
 * on its own share of the traffic. Node runs each admission to its end before the next, so two
 * requests can never both take the last slot.
 */
@Injectable()
export class GatewayLimits {
  private readonly policy: RateLimitPolicy;
  private readonly outputTokens: number;
  private readonly scopes = new Map<string, Tracked>();
  /** Real token usage of finished requests, by request id, until their lease is released. */
  private readonly usage = new Map<string, number>();
  private lastSweep = 0;

  constructor(config: GatewayConfig) {
    this.policy = parseRateLimits(config.LLM_RATE_LIMITS ?? '{}');
    this.outputTokens = config.LLM_RATE_LIMIT_OUTPUT_TOKENS;
  }

  /** The headers for a caller's answer without using any budget (the model list). */
  headers(caller: GatewayCaller, tier: Tier): Record<string, string> {
    return rateLimitHeaders(this.current(this.slots(caller, tier)), performance.now());
  }

  /** Admits a chat completion on its raw body's estimate, or says why not and for how long. */
  admit(caller: GatewayCaller, tier: Tier, body: unknown): LimitDecision {
    const now = performance.now();
    this.sweep(now);
    const slots = this.slots(caller, tier);
    const scopes = this.current(slots);
    const estimatedTokens = admissionTokens(body, this.outputTokens);
    const admission = admit(scopes, estimatedTokens, now);
    if (!admission.admitted) {
      const { dimension, retryAfterMs, message } = admission;
      return { admitted: false, dimension, retryAfterMs, message, headers: rateLimitHeaders(scopes, now) };
    }
    slots.forEach((slot, index) =>
      this.scopes.set(slot.id, { usage: admission.usages[index], limit: slot.limit }),
    );
    return {
      admitted: true,
      lease: { slots, estimatedTokens },
      headers: rateLimitHeaders(this.current(slots), now),
    };
  }

  /** The tokens a request really used (prompt and output), reported when its outcome is known. */
  used(requestId: string, tokens: number): void {
    this.usage.set(requestId, tokens);
  }

  /**
   * The request is over, however it ended: its concurrency slots free, and its tokens become what it
   * used (none when it never reached a provider).
   */
  finish(lease: LimitLease, requestId: string | undefined): void {
    const used = requestId === undefined ? 0 : (this.usage.get(requestId) ?? 0);
    if (requestId !== undefined) this.usage.delete(requestId);
    const now = performance.now();
    this.current(lease.slots).forEach((scope, index) => {
      const usage = release(scope, lease.estimatedTokens, used, now);
      this.scopes.set(lease.slots[index].id, { usage, limit: scope.limit });
    });
  }

  /** A request with a key counts against the key's budget and its user's; a token's, the user's only. */
  private slots(caller: GatewayCaller, tier: Tier): Slot[] {
    const limits = this.policy[tier];
    const user: Slot = { id: `user:${caller.userId}`, name: 'user', limit: limits.user };
    if (caller.apiKeyId === null) return [user];
    return [{ id: `key:${caller.apiKeyId}`, name: 'API key', limit: limits.key }, user];
  }

  private current(slots: readonly Slot[]): LimitScope[] {
    return slots.map((slot) => ({
      name: slot.name,
      limit: slot.limit,
      usage: this.scopes.get(slot.id)?.usage ?? UNUSED,
    }));
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [id, { usage, limit }] of this.scopes) {
      if (isIdle(usage, limit, now)) this.scopes.delete(id);
    }
  }
}
