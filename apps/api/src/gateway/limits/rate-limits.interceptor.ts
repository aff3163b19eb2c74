import {
  applyDecorators,
  HttpStatus,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isTier } from '@ops/domain';
import type { AuthenticatedUser } from '@ops/infra/auth';
import { FieldErrorsException, GatewayRefusalMetrics, OpenAiCompatibleError } from '@ops/infra/http';
import type { Request, Response } from 'express';
import { catchError, finalize, throwError, type Observable } from 'rxjs';
import { RequestCredits } from '../credits/request-credits';
import { GatewayLimits } from './gateway-limits';

/** `admit`: the request uses the caller's budgets; `report`: its answer only shows them. */
type LimitUse = 'admit' | 'report';

const LIMIT_USE = 'gateway:rate-limits';
/** Set by ChatCompletionsService first thing; it names the request whose real usage was reported. */
const GATEWAY_REQUEST_ID_HEADER = 'x-ops-request-id';

/** Puts a gateway route under the caller's rate limits; every answer carries the x-ratelimit headers. */
export const RateLimits = (use: LimitUse) =>
  applyDecorators(SetMetadata(LIMIT_USE, use), UseInterceptors(RateLimitsInterceptor));

/**
 * Admits a request against its key's and its user's limits before its body is even validated (bad
 * requests count too: a flood of them is still a flood), answers 429 in OpenAI's shape with
 * `retry-after` when a budget is spent, and frees the request's slot when it ends however it ends:
 * success, error, client disconnect or a finished stream.
 */
@Injectable()
export class RateLimitsInterceptor implements NestInterceptor {
  constructor(
    private readonly limits: GatewayLimits,
    private readonly credits: RequestCredits,
    private readonly refusals: GatewayRefusalMetrics,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const user = http.getRequest<Request & { user?: AuthenticatedUser }>().user;
    const response = http.getResponse<Response>();
    if (!user) return next.handle();
    const caller = { userId: user.id, apiKeyId: user.apiKeyId ?? null };
    const { plan } = await this.credits.account(user.id);
    const tier = isTier(plan.tier) ? plan.tier : 'free';
    if (this.reflector.get<LimitUse>(LIMIT_USE, context.getHandler()) !== 'admit') {
      response.set(this.limits.headers(caller, tier));
      return next.handle();
    }
    const decision = this.limits.admit(caller, tier, http.getRequest<Request>().body);
    response.set(decision.headers);
    if (!decision.admitted) {
      response.set({
        'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1_000))),
        'retry-after-ms': String(decision.retryAfterMs),
      });
      const refusal = new OpenAiCompatibleError(
        HttpStatus.TOO_MANY_REQUESTS,
        decision.message,
        decision.dimension,
        'rate_limit_exceeded',
      );
      this.refusals.refused(refusal);
      throw refusal;
    }
    return next.handle().pipe(
      catchError((error: unknown) => {
        // Refused at the edge by the DTO, before the gateway saw it; later refusals count themselves.
        if (error instanceof FieldErrorsException) this.refusals.refused(error);
        return throwError(() => error);
      }),
      finalize(() => {
        const requestId = response.getHeader(GATEWAY_REQUEST_ID_HEADER);
        this.limits.finish(decision.lease, typeof requestId === 'string' ? requestId : undefined);
      }),
    );
  }
}
