import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Post,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Public, signLocalToken, type AuthenticatedUser } from '@ops/infra/auth';
import { ConsoleSessions } from '@ops/infra/auth/console-sessions';
import { DeactivatedSubjects } from '@ops/infra/auth/deactivated-subjects';
import { resolveLocalJwtSecret } from '@ops/infra/auth/local-jwt';
import { AuthConfig } from '@ops/infra/auth/auth-config';
import { NodeConfig } from '@ops/infra/runtime/node-config';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import { defer, filter, from, interval, map, merge, mergeMap, type Observable, takeUntil } from 'rxjs';
import { DataSource } from 'typeorm';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';
import { ConsoleLiveFeed } from './console-live-feed';
import {
  ConsoleConfigView,
  ConsoleSessionView,
  ConsoleUserView,
  LiveNoticeView,
  SignInDto,
} from './dto/console-session.dto';
import { noticeVisibleTo } from './live-notices';
import {
  CONSOLE_SESSION_TTL_SECONDS,
  consumeSignInLink,
  openConsoleSession,
  revokeConsoleSession,
  type RunQuery,
} from './sign-in-links';

/** How often an open live feed checks that its session is still open, and keeps proxies from closing it. */
const LIVE_CHECK_MS = 15_000;

@ApiTags('console')
@ReadModels()
@Controller('api/v1/console')
export class ConsoleController {
  private readonly query: RunQuery;

  constructor(
    private readonly config: AuthConfig,
    private readonly node: NodeConfig,
    db: DataSource,
    private readonly sessions: ConsoleSessions,
    private readonly deactivated: DeactivatedSubjects,
    private readonly feed: ConsoleLiveFeed,
  ) {
    this.query = (sql, parameters) => db.query(sql, parameters);
  }

  /** What the sign-in page needs before anyone is signed in: links, or which OpenID provider and client. */
  @Get('config')
  @Public()
  @ApiOkResponse({ type: ConsoleConfigView })
  consoleConfig(): ConsoleConfigView {
    const { AUTH_MODE, KEYCLOAK_ISSUER, KEYCLOAK_CONSOLE_CLIENT_ID } = this.config;
    return {
      auth_mode: AUTH_MODE,
      oidc:
        AUTH_MODE === 'keycloak' && KEYCLOAK_ISSUER
          ? { issuer: KEYCLOAK_ISSUER, client_id: KEYCLOAK_CONSOLE_CLIENT_ID }
          : null,
    };
  }

  /** Exchanges a one-time sign-in link's code for a console session; the same code never works twice. */
  @Post('sessions')
  @Public()
  @HttpCode(201)
  @ApiCreatedResponse({ type: ConsoleSessionView })
  async signIn(@Body() body: SignInDto): Promise<ConsoleSessionView> {
    if (this.config.AUTH_MODE !== 'local') {
      throw new NotFoundException('Sign-in links exist in the single-node (local) mode only');
    }
    const grant = await consumeSignInLink(this.query, body.code);
    if (!grant) {
      throw new FieldErrorsException(
        [{ field: 'code', message: 'This sign-in link is unknown, already used or expired' }],
        401,
      );
    }
    const session = await openConsoleSession(this.query, grant);
    const ttlSeconds = Math.min(CONSOLE_SESSION_TTL_SECONDS, this.config.JWT_MAX_LIFETIME_SECONDS);
    const token = signLocalToken(
      { sub: grant.subject, roles: grant.roles, ttlSeconds, sessionId: session.id },
      {
        secret: resolveLocalJwtSecret({ ...this.config, ...this.node }),
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
      },
    );
    const expiresAt = new Date(Math.min(session.expiresAt.getTime(), Date.now() + ttlSeconds * 1000));
    return {
      access_token: token,
      expires_at: expiresAt.toISOString(),
      user: { id: grant.subject, roles: grant.roles },
    };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: ConsoleUserView })
  me(@CurrentUser() user: AuthenticatedUser): ConsoleUserView {
    return { id: user.id, roles: user.roles };
  }

  /** Signs out: the session's token is refused from now on, on every replica. */
  @Delete('sessions/current')
  @ApiBearerAuth()
  @HttpCode(204)
  @ApiNoContentResponse()
  async signOut(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    if (user.sessionId === undefined) {
      throw new FieldErrorsException([
        { field: 'authorization', message: 'This token belongs to no console session' },
      ]);
    }
    await revokeConsoleSession(this.query, user.sessionId);
  }

  /**
   * Server-sent events: a `ready` event (data: the log position the notices follow from, to pass as
   * x-ops-min-position when refetching), then a notice whenever something the caller may see
   * changed. The stream ends when the session ends (sign-out, expiry, deactivation).
   */
  @Sse('events')
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: LiveNoticeView, description: 'One `notice` event per change (data: this object)' })
  events(@CurrentUser() user: AuthenticatedUser): Observable<MessageEvent> {
    const notices = this.feed.notices$().pipe(
      filter((notice) => noticeVisibleTo(notice, user)),
      map((notice): MessageEvent => ({ type: 'notice', data: notice })),
    );
    const ended = interval(LIVE_CHECK_MS).pipe(
      mergeMap(() => from(this.stillSignedIn(user))),
      filter((open) => !open),
    );
    const pings = interval(LIVE_CHECK_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} })));
    // Only once the feed follows the log, and with the position it follows from: the console refetches
    // everything on `ready`, with reads waiting for that position, so a change before it is in what the
    // refetch reads and a change after it arrives as a notice.
    const ready = defer(() => from(this.feed.following())).pipe(
      map((position): MessageEvent => ({ type: 'ready', data: { user_id: user.id, position } })),
    );
    return merge(notices, ready, pings).pipe(takeUntil(ended));
  }

  private async stillSignedIn(user: AuthenticatedUser): Promise<boolean> {
    if (await this.deactivated.isDeactivated(user.id)) return false;
    return user.sessionId === undefined || this.sessions.isOpen(user.sessionId);
  }
}
