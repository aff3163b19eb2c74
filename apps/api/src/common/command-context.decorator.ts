import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';

/** Printable ASCII, like Stripe's keys; long enough for a UUID or a client's own scheme. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

interface AuthenticatedRequest extends Request {
  user?: { id: string };
}

/** The request a key was sent with: a retry sends the same method, path and body. */
function requestFingerprint(request: Request): string {
  const body: unknown = request.body;
  return createHash('sha256')
    .update(`${request.method} ${request.originalUrl}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/**
 * Builds the context every command carries: the authenticated actor, the request id as correlation
 * id, and the `Idempotency-Key` header that makes a retried request append nothing.
 */
export const CommandCtx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  const key = request.header('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new BadRequestException('Idempotency-Key must be 1-255 printable ASCII characters');
  }
  if (!request.user) throw new Error('CommandCtx used on a route without authentication');
  const requestId = request.header('x-request-id');
  return {
    actor: request.user.id,
    correlationId: requestId && IDEMPOTENCY_KEY.test(requestId) ? requestId : randomUUID(),
    causationId: null,
    idempotencyKey: key,
    idempotencyScope: key === undefined ? undefined : requestFingerprint(request),
    source: 'api',
  };
});
