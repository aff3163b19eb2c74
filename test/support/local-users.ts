import type { Response } from 'supertest';
import { eventually } from './app';

/**
 * Waits until the host reported applying `revision` (the one a change answered with) or a later one,
 * and answers the account as the API then shows it.
 */
export function waitUntilApplied(
  get: (path: string) => PromiseLike<Response>,
  username: string,
  revision: string,
): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const response = await get(`/api/v1/local-users/${username}`);
    expect(response.status).toBe(200);
    expect(response.body.state).toBe('applied');
    expect(BigInt(response.body.last_outcome.revision)).toBeGreaterThanOrEqual(BigInt(revision));
    return response.body;
  }, 20_000);
}
