import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { FeatureConfig } from '../config/feature-config';
import { HTTP, IsUrlOf } from '../config/setting-rules';

/**
 * Bearer tokens, in either mode (local HS256 or Keycloak RS256), and the console's sign-in client.
 */
export class AuthConfig extends FeatureConfig {
  /** `local`: HS256 tokens signed with a secret kept in DATA_DIR. `keycloak`: RS256 tokens checked against a JWKS. */
  @IsIn(['local', 'keycloak'])
  AUTH_MODE: 'local' | 'keycloak' = 'local';

  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER = 'ops-center';

  /** The audience (`aud`) local-mode tokens must name; `npm run token` issues it. Keycloak mode checks KEYCLOAK_AUDIENCE. */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'JWT_AUDIENCE must be 1-200 printable characters, no spaces' })
  JWT_AUDIENCE = 'ops-center';

  /**
   * The longest lifetime a bearer token may claim, in both modes: `exp - iat`, or `exp` from now for a
   * token without `iat`. A token without `exp` is refused outright.
   */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(30 * 86_400)
  JWT_MAX_LIFETIME_SECONDS = 86_400;

  @IsOptional()
  @IsUrlOf(...HTTP)
  KEYCLOAK_JWKS_URL?: string;

  /** The realm's URL, as Keycloak writes it in each token's `iss`. */
  @IsOptional()
  @IsUrlOf(...HTTP)
  KEYCLOAK_ISSUER?: string;

  @IsOptional()
  @IsString()
  KEYCLOAK_AUDIENCE?: string;

  /**
   * The public client (no secret; PKCE) the console signs people in with, in keycloak mode. Its
   * tokens must carry KEYCLOAK_AUDIENCE (an audience mapper) and its redirect URI is `<origin>/console/sign-in`.
   */
  @Matches(/^[\x21-\x7e]{1,200}$/, {
    message: 'KEYCLOAK_CONSOLE_CLIENT_ID must be 1-200 printable characters',
  })
  KEYCLOAK_CONSOLE_CLIENT_ID = 'ops-console';
}

export function authProblems(config: AuthConfig): string[] {
  if (config.AUTH_MODE !== 'keycloak') return [];
  return (['KEYCLOAK_JWKS_URL', 'KEYCLOAK_ISSUER', 'KEYCLOAK_AUDIENCE'] as const)
    .filter((key) => !config[key])
    .map((key) => `${key}: required when AUTH_MODE=keycloak`);
}
