import { signLocalToken, type Role } from '@ops/infra/auth';
import { request } from 'undici';

export interface AccountView {
  balance_micros: string;
  reserved_micros: string;
  available_micros: string;
  open_reservations: number;
}

interface HealthReport {
  projections?: { name: string; lag_ms: number }[];
}

/** What the bench does to our gateway as its admin: tokens, credits, the live account, projection lag. */
export class GatewayAdmin {
  private readonly adminToken: string;

  constructor(
    private readonly url: string,
    private readonly jwtSecret: string,
    /** The process whose /health reports the projections (the API's own in single-node mode). */
    private readonly projectorUrl = url,
  ) {
    this.adminToken = this.token('bench-admin', 'admin');
  }

  /** A local HS256 token, as `npm run token` prints it. */
  token(sub: string, ...roles: Role[]): string {
    return signLocalToken(
      { sub, roles, ttlSeconds: 3_600 },
      { secret: this.jwtSecret, issuer: 'ops-center', audience: 'ops-center' },
    );
  }

  async fund(userId: string, micros: bigint): Promise<void> {
    await this.call('POST', '/api/v1/llm/credits/grant', 201, {
      user_id: userId,
      amount_micros: micros.toString(),
      reason: 'gateway benchmark',
    });
  }

  account(userId: string): Promise<AccountView> {
    return this.call('GET', `/api/v1/llm/credits/account?user_id=${encodeURIComponent(userId)}`, 200);
  }

  /**
   * Waits until every projection has applied the whole log, so one system's tail never loads the next;
   * resolves to the seconds it waited (to within the 50 ms between two looks).
   */
  async waitUntilProjected(): Promise<number> {
    const started = performance.now();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await request(`${this.projectorUrl}/health`);
      const health = (await response.body.json()) as HealthReport;
      const projections = health.projections ?? [];
      if (projections.length > 0 && projections.every((projection) => projection.lag_ms === 0))
        return (performance.now() - started) / 1000;
      if (Date.now() > deadline) throw new Error(`projections still behind: ${JSON.stringify(projections)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async call<T>(method: 'GET' | 'POST', path: string, expected: number, body?: object): Promise<T> {
    const response = await request(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode !== expected) {
      throw new Error(`${method} ${path} answered ${response.statusCode}: ${text}`);
    }
    return JSON.parse(text) as T;
  }
}
