import { type ExecutionContext, HttpException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { TokenExpiredError } from 'jsonwebtoken';
import { ACCEPTS_API_KEY } from './accepts-api-key.decorator';
import { ApiKeyAuthenticator, type ApiKeyOwner } from './api-key-authenticator';
import { isApiKeyToken } from './api-key-secret';
import type { AuthenticatedUser } from './authenticated-user';
import { ConsoleSessions } from './console-sessions';
import { DeactivatedSubjects } from './deactivated-subjects';
import { extractBearerToken } from './jwt-strategy.options';
import { JWT_STRATEGY } from './jwt.strategy';
import { IS_PUBLIC } from './public.decorator';
import { VerifiedTokens } from './verified-tokens';

function apiKeyHeaderOf(request: Request): string | null {
  const value = request.headers['x-api-key'];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Global guard: every route needs a valid bearer token unless it is marked @Public(). The token is a
 * JWT, or on routes marked @AcceptsApiKey() a personal API key (as a bearer token or `x-api-key`);
 * either way its subject must not have been deactivated.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly deactivated: DeactivatedSubjects,
    private readonly consoleSessions: ConsoleSessions,
    private readonly verifiedTokens: VerifiedTokens,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const acceptsApiKey =
      this.reflector.getAllAndOverride<boolean | undefined>(ACCEPTS_API_KEY, targets) === true;
    // Anthropic's SDKs and Claude Code send their key as `x-api-key`; only a gateway route reads it.
    const token = extractBearerToken(request) ?? (acceptsApiKey ? apiKeyHeaderOf(request) : null);
    let deactivated: boolean;
    if (token !== null && isApiKeyToken(token)) {
      const owner = await this.authenticateApiKey(token, acceptsApiKey, context);
      request.user = owner.user;
      deactivated = owner.deactivated;
    } else {
      await this.verifyJwt(context, request);
      deactivated = request.user !== undefined && (await this.deactivated.isDeactivated(request.user.id));
      const sessionId = request.user?.sessionId;
      if (sessionId !== undefined && !(await this.consoleSessions.isOpen(sessionId))) {
        this.challenge(context);
        throw new UnauthorizedException('This console session has ended; sign in again');
      }
    }
    if (deactivated) {
      this.challenge(context);
      throw new UnauthorizedException('This account is deactivated');
    }
    return true;
  }

  /** Passport's strategy on a token's first request; the same bearer token later, until it expires, from memory. */
  private async verifyJwt(
    context: ExecutionContext,
    request: Request & { user?: AuthenticatedUser },
  ): Promise<void> {
    const bearer = extractBearerToken(request);
    const known = bearer === null ? undefined : this.verifiedTokens.user(bearer);
    if (known) {
      request.user = known;
      return;
    }
    await (super.canActivate(context) as Promise<boolean>);
    if (bearer !== null && request.user) this.verifiedTokens.remember(bearer, request.user);
  }

  private challenge(context: ExecutionContext): void {
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
  }

  private async authenticateApiKey(
    token: string,
    accepted: boolean,
    context: ExecutionContext,
  ): Promise<ApiKeyOwner> {
    const owner = accepted ? await this.apiKeys.authenticate(token) : null;
    if (owner) return owner;
    this.challenge(context);
    throw new UnauthorizedException(
      accepted
        ? 'Invalid, expired or revoked API key'
        : 'API keys are accepted on the LLM gateway routes only; use a JWT',
    );
  }

  override handleRequest<TUser = AuthenticatedUser>(
    error: unknown,
    user: TUser | false,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (user) return user;
    const http = context.switchToHttp();
    const tokenPresent = extractBearerToken(http.getRequest<Request>()) !== null;
    // RFC 6750: tell the client which scheme to use and, when it sent a token, that it was refused.
    http
      .getResponse<Response>()
      .setHeader('WWW-Authenticate', tokenPresent ? 'Bearer error="invalid_token"' : 'Bearer');
    if (error instanceof HttpException) throw error;
    if (!tokenPresent) throw new UnauthorizedException('Missing bearer token');
    if (info instanceof TokenExpiredError) throw new UnauthorizedException('Token expired');
    throw new UnauthorizedException('Invalid token');
  }
}
