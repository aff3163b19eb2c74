import { passportJwtSecret } from 'jwks-rsa';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, type StrategyOptionsWithoutRequest } from 'passport-jwt';
import type { Settings } from '../config/feature-config';
import type { NodeConfig } from '../runtime/node-config';
import type { AuthConfig } from './auth-config';
import { resolveLocalJwtSecret } from './local-jwt';

/** Only the Authorization header carries tokens: query strings end up in logs and histories. */
export const extractBearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * How tokens are verified in each mode. The algorithm list is pinned per mode so that a token can
 * never choose its own verification (e.g. an HS256 token "signed" with the Keycloak public key).
 */
export function jwtStrategyOptions(
  config: Settings<AuthConfig> & Settings<NodeConfig>,
): StrategyOptionsWithoutRequest {
  if (config.AUTH_MODE === 'local') {
    return {
      jwtFromRequest: extractBearerToken,
      // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails, expensively)
      // to parse it as a public key on every verification.
      secretOrKey: createSecretKey(Buffer.from(resolveLocalJwtSecret(config), 'utf8')) as unknown as string,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      algorithms: ['HS256'],
    };
  }
  return {
    jwtFromRequest: extractBearerToken,
    secretOrKeyProvider: passportJwtSecret({
      jwksUri: required(config.KEYCLOAK_JWKS_URL, 'KEYCLOAK_JWKS_URL'),
      cache: true,
      rateLimit: true,
    }),
    issuer: required(config.KEYCLOAK_ISSUER, 'KEYCLOAK_ISSUER'),
    audience: required(config.KEYCLOAK_AUDIENCE, 'KEYCLOAK_AUDIENCE'),
    algorithms: ['RS256'],
  };
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required when AUTH_MODE=keycloak`);
  return value;
}
