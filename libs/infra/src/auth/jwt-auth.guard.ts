import { type ExecutionContext, HttpException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { TokenExpiredError } from 'jsonwebtoken';
import type { AuthenticatedUser } from './authenticated-user';
import { extractBearerToken } from './jwt-strategy.options';
import { JWT_STRATEGY } from './jwt.strategy';
import { IS_PUBLIC } from './public.decorator';

/** Global guard: every route needs a valid bearer token unless it is marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context) as Promise<boolean>;
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
