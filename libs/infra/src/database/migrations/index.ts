import { EventStoreSchema1732500000000 } from './1732500000000-event-store';
import { ReadModels1732500000100 } from './1732500000100-read-models';
import { LocalUsers1732500000200 } from './1732500000200-local-users';
import { ApiKeysAndUsage1732500000300 } from './1732500000300-api-keys-and-usage';
import { CreditHolds1732500000350 } from './1732500000350-credit-holds';
import { TamperEvidence1732500000400 } from './1732500000400-tamper-evidence';
import { DataKeysAndProviderKeys1732500000600 } from './1732500000600-data-keys-and-provider-keys';
import { Finance1732500000700 } from './1732500000700-finance';
import { DigestChain1732500000810 } from './1732500000810-digest-chain';
import { ApiKeyExpiryAndDeactivation1732500000830 } from './1732500000830-api-key-expiry-and-deactivation';
import { CreditOverdraft1732500001010 } from './1732500001010-credit-overdraft';
import { AuditLogCreditUser1732500001150 } from './1732500001150-audit-log-credit-user';
import { HostChangeDetail1732500001510 } from './1732500001510-host-change-detail';
import { AuditLogWithoutGatewayTraffic1732500001600 } from './1732500001600-audit-log-without-gateway-traffic';
import { LeanAppend1732500001620 } from './1732500001620-lean-append';
import { AtomicMultiStreamAppend1732500001630 } from './1732500001630-atomic-multi-stream-append';
import { ProjectionDeadLetters1732500001710 } from './1732500001710-projection-dead-letters';
import { ProjectionReadThrough1732500001720 } from './1732500001720-projection-read-through';
import { ConsoleSessions1732500002500 } from './1732500002500-console-sessions';
import { UsageCacheTokens1732500002600 } from './1732500002600-usage-cache-tokens';
import { UsageWebSearches1732500003000 } from './1732500003000-usage-web-searches';
import { ProviderHealth1732500003100 } from './1732500003100-provider-health';
import { AuditLogWithoutStreamIndex1732500003200 } from './1732500003200-audit-log-without-stream-index';
import { BinaryEventHashes1732500003300 } from './1732500003300-binary-event-hashes';

/** Listed explicitly (no glob) so the same list works from sources and from the build. */
export const MIGRATIONS = [
  EventStoreSchema1732500000000,
  ReadModels1732500000100,
  LocalUsers1732500000200,
  ApiKeysAndUsage1732500000300,
  CreditHolds1732500000350,
  TamperEvidence1732500000400,
  DataKeysAndProviderKeys1732500000600,
  Finance1732500000700,
  DigestChain1732500000810,
  ApiKeyExpiryAndDeactivation1732500000830,
  CreditOverdraft1732500001010,
  AuditLogCreditUser1732500001150,
  HostChangeDetail1732500001510,
  AuditLogWithoutGatewayTraffic1732500001600,
  LeanAppend1732500001620,
  AtomicMultiStreamAppend1732500001630,
  ProjectionDeadLetters1732500001710,
  ProjectionReadThrough1732500001720,
  ConsoleSessions1732500002500,
  UsageCacheTokens1732500002600,
  UsageWebSearches1732500003000,
  ProviderHealth1732500003100,
  AuditLogWithoutStreamIndex1732500003200,
  BinaryEventHashes1732500003300,
];
