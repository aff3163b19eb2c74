import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ConsoleSessions } from './console-sessions';
import { DeactivatedSubjects } from './deactivated-subjects';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { RolesGuard } from './roles.guard';
import { VerifiedTokens } from './verified-tokens';

/**
 * Authentication (bearer JWT, local or Keycloak per AUTH_MODE; personal API keys on @AcceptsApiKey()
 * routes) and role checks for every route of the importing application. Needs
 * ConfigModule.forRoot(config); API keys also need the read-model database.
 */
@Module({
  providers: [
    JwtStrategy,
    ApiKeyAuthenticator,
    DeactivatedSubjects,
    ConsoleSessions,
    VerifiedTokens,
    // Order matters: the roles guard reads the user the JWT guard sets.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [ApiKeyAuthenticator, ConsoleSessions],
})
export class AuthModule {}
