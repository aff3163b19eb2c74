import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthenticatedUser } from './authenticated-user';
import type { Role } from './roles';
import { REQUIRED_ROLES } from './roles.decorator';

/** Global guard, after the JWT guard: enforces @Roles(...) where present. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) return true;
    const { user } = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    if (user?.roles.some((role) => required.includes(role))) return true;
    throw new ForbiddenException(`Requires one of the roles: ${required.join(', ')}`);
  }
}
