import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace for ids derived from idempotency keys (any constant UUID works; this one is ours). */
const IDEMPOTENCY_NAMESPACE = '5f0c8a3e-5e7b-4c1e-9a51-0d6f2f0b7c11';

/**
 * Id of the `index`-th event a command produces. With an idempotency key it is derived from it (and
 * from the actor and command type, so two callers' keys never collide): a retry yields the same ids.
 */
export function eventIdFor(
  index: number,
  commandType: string,
  actor: string,
  idempotencyKey?: string,
): string {
  return idempotencyKey
    ? uuidv5(`${actor}\n${commandType}\n${idempotencyKey}\n${index}`, IDEMPOTENCY_NAMESPACE)
    : randomUUID();
}
