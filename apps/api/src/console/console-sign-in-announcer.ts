import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthConfig } from '@ops/infra/auth/auth-config';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { anyoneSignedIn, createSignInLink, type RunQuery, signInUrl } from './sign-in-links';

/** Who the link printed at the first start signs in. */
export const FIRST_ADMIN = { subject: 'admin', roles: ['admin' as const] };

/**
 * Single node, local sign-in: until someone has signed in to the console, each start prints a
 * one-time link for the first admin once the server listens. Later links come from
 * `npm run console-link`.
 */
@Injectable()
export class ConsoleSignInAnnouncer implements OnApplicationBootstrap {
  private readonly logger = new Logger('console');

  constructor(
    private readonly config: AuthConfig,
    private readonly adapter: HttpAdapterHost,
    private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.AUTH_MODE !== 'local') return;
    const server = this.adapter.httpAdapter?.getHttpServer() as Server | undefined;
    server?.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      void this.announce(`http://localhost:${port}`).catch((error: unknown) =>
        this.logger.error({ err: error }, 'could not create the first sign-in link'),
      );
    });
  }

  private async announce(origin: string): Promise<void> {
    const query: RunQuery = (sql, parameters) => this.db.query(sql, parameters);
    if (await anyoneSignedIn(query)) return;
    const code = await createSignInLink(query, FIRST_ADMIN);
    this.logger.log(`Sign in to the console (one use, 15 minutes): ${signInUrl(origin, code)}`);
  }
}
