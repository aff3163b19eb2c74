import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedUser } from './authenticated-user';

/** The authenticated caller, as set by the JWT guard. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const { user } = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    // Only a @Public() route lacks a user, and asking one for its caller is a programming error.
    if (!user) throw new Error('@CurrentUser() used on a route without authentication');
    return user;
  },
);
