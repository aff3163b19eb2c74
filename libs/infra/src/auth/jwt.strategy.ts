import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { type AuthenticatedUser, type TokenClaims, userFromClaims } from './authenticated-user';
import { jwtStrategyOptions } from './jwt-strategy.options';

export const JWT_STRATEGY = 'jwt';

/** Verifies the bearer token (signature, issuer, audience, expiry) and maps its claims to the user. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(jwtStrategyOptions(config));
  }

  validate(claims: TokenClaims): AuthenticatedUser {
    const user = userFromClaims(claims);
    if (!user) throw new UnauthorizedException('Token has no valid subject');
    return user;
  }
}
