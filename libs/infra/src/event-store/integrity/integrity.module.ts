import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { DatabaseConfig } from '../../database/database-config';
import { NodeConfig } from '../../runtime/node-config';
import { EVENT_STORE, type EventStore } from '../event-store';
import { EventLogVerifier } from './event-log-verifier';
import { digestSinks } from './digest-export';
import { loadAuditSigningKey, loadTrustedKey, type AuditSigningKey, type TrustedKey } from './signing-key';
import { DigestSigner } from './digest-signer';
import { IntegrityConfig } from './integrity-config';
import { RecordedDigests } from './recorded-digests';

/**
 * The pool for what tamper evidence keeps beside the log, in PostgreSQL whichever event store runs:
 * the heads each digest signed, and the signer's lock. The events themselves are read through the store.
 */
export const INTEGRITY_POOL = Symbol('INTEGRITY_POOL');
export const AUDIT_SIGNING_KEY = Symbol('AUDIT_SIGNING_KEY');
/** The public key verification trusts: AUDIT_PUBLIC_KEY when pinned, else the signing key's half. */
export const AUDIT_TRUSTED_KEY = Symbol('AUDIT_TRUSTED_KEY');

@Injectable()
class IntegrityPoolLifecycle implements OnApplicationShutdown {
  constructor(@Inject(INTEGRITY_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Tamper evidence over the event log, on either adapter: the signing key, the digest signer and the
 * verifier. Global and shared, so the API and the projector of one process use one pool and key.
 */
@Global()
@Module({
  providers: [
    {
      provide: INTEGRITY_POOL,
      inject: [DatabaseConfig],
      useFactory: (config: DatabaseConfig) => {
        // A few connections: verification and export hold one each for their whole cursor.
        const pool = new Pool({ connectionString: config.DATABASE_URL, max: 4 });
        pool.on('error', () => undefined);
        return pool;
      },
    },
    IntegrityPoolLifecycle,
    {
      provide: AUDIT_SIGNING_KEY,
      inject: [IntegrityConfig, NodeConfig],
      useFactory: (config: IntegrityConfig, node: NodeConfig) => loadAuditSigningKey({ ...config, ...node }),
    },
    {
      provide: AUDIT_TRUSTED_KEY,
      inject: [IntegrityConfig, AUDIT_SIGNING_KEY],
      useFactory: (config: IntegrityConfig, key: AuditSigningKey) => loadTrustedKey(config, () => key),
    },
    {
      provide: RecordedDigests,
      inject: [INTEGRITY_POOL, EVENT_STORE],
      useFactory: (pool: Pool, store: EventStore) => new RecordedDigests(pool, store),
    },
    {
      provide: DigestSigner,
      inject: [
        INTEGRITY_POOL,
        EVENT_STORE,
        AUDIT_SIGNING_KEY,
        AUDIT_TRUSTED_KEY,
        RecordedDigests,
        IntegrityConfig,
      ],
      useFactory: (
        pool: Pool,
        store: EventStore,
        key: AuditSigningKey,
        trusted: TrustedKey,
        recorded: RecordedDigests,
        config: IntegrityConfig,
      ) => new DigestSigner(pool, store, key, { recorded, trusted, sinks: digestSinks(config) }),
    },
    {
      provide: EventLogVerifier,
      inject: [EVENT_STORE, INTEGRITY_POOL, RecordedDigests, AUDIT_TRUSTED_KEY],
      useFactory: (store: EventStore, pool: Pool, recorded: RecordedDigests, trusted: TrustedKey) =>
        new EventLogVerifier(store, pool, recorded, trusted),
    },
  ],
  exports: [
    INTEGRITY_POOL,
    AUDIT_SIGNING_KEY,
    AUDIT_TRUSTED_KEY,
    RecordedDigests,
    DigestSigner,
    EventLogVerifier,
  ],
})
export class IntegrityModule {}
