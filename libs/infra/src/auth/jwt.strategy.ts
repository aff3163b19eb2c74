import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { NodeConfig } from '../runtime/node-config';
import { AuthConfig } from './auth-config';
import { type AuthenticatedUser, type TokenClaims, userFromClaims } from './authenticated-user';
import { jwtStrategyOptions } from './jwt-strategy.options';
import { tokenLifetimeProblem, type TokenTimes } from './token-lifetime';

export const JWT_STRATEGY = 'jwt';

/** Verifies the bearer token (signature, issuer, audience, expiry, lifetime) and maps its claims to the user. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  private readonly maxLifetimeSeconds: number;

  constructor(config: AuthConfig, node: NodeConfig) {
    super(jwtStrategyOptions({ ...config, ...node }));
    this.maxLifetimeSeconds = config.JWT_MAX_LIFETIME_SECONDS;
  }

  validate(claims: TokenClaims & TokenTimes): AuthenticatedUser {
    // jsonwebtoken checks `exp` only when present: a token without one would never expire.
    const lifetime = tokenLifetimeProblem(claims, Math.floor(Date.now() / 1000), this.maxLifetimeSeconds);
    if (lifetime) throw new UnauthorizedException(lifetime);
    const user = userFromClaims(claims);
    if (!user) throw new UnauthorizedException('Token has no valid subject');
    return user;
  }
}
