import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { ROLES } from '@ops/infra/auth';
import { SIGN_IN_CODE_PATTERN } from '../sign-in-links';

export class SignInDto {
  @ApiProperty({ description: 'The code from the fragment of a one-time sign-in link (`#code=…`)' })
  @IsString()
  @Matches(SIGN_IN_CODE_PATTERN, { message: 'code is not a sign-in code' })
  code!: string;
}

export class ConsoleUserView {
  @ApiProperty({ example: 'admin' })
  id!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: (typeof ROLES)[number][];
}

export class ConsoleSessionView {
  @ApiProperty({ description: 'A bearer token for the API, valid until expires_at or sign-out' })
  access_token!: string;

  @ApiProperty({ format: 'date-time' })
  expires_at!: string;

  @ApiProperty({ type: ConsoleUserView })
  user!: ConsoleUserView;
}

/** What the live feed sends; the console refetches what a notice names, at its position or later. */
export class LiveNoticeView {
  @ApiProperty({ enum: ['balance', 'local-user', 'host', 'provider-health', 'usage'] })
  kind!: 'balance' | 'local-user' | 'host' | 'provider-health' | 'usage';

  @ApiProperty({ description: 'The log position to pass as x-ops-min-position when refetching' })
  position!: string;

  @ApiProperty({ required: false, description: 'balance, usage: whose' })
  user_id?: string;

  @ApiProperty({ required: false, description: 'local-user, host: which host' })
  host_id?: string;

  @ApiProperty({ required: false, description: 'local-user: which account' })
  username?: string;

  @ApiProperty({ required: false, description: 'provider-health: which provider' })
  provider?: string;

  @ApiProperty({ description: 'The event that caused the notice' })
  event_type!: string;
}

export class ConsoleOidcView {
  @ApiProperty({
    description: 'The OpenID provider (KEYCLOAK_ISSUER); its discovery document is read from it',
  })
  issuer!: string;

  @ApiProperty({ description: 'The public client the console signs in with (KEYCLOAK_CONSOLE_CLIENT_ID)' })
  client_id!: string;
}

/** How the console signs people in: public, and holds no secret. */
export class ConsoleConfigView {
  @ApiProperty({
    enum: ['local', 'keycloak'],
    description: '`local`: one-time links; `keycloak`: OpenID Connect',
  })
  auth_mode!: 'local' | 'keycloak';

  @ApiProperty({ type: ConsoleOidcView, nullable: true, description: 'Set in keycloak mode' })
  oidc!: ConsoleOidcView | null;
}
