import type { Settings } from '@ops/infra/config/feature-config';
import type { HostAgentConfig } from '@ops/infra/config/features/host-agent-config';
import type { HostsConfig } from '@ops/infra/host-commands/hosts-config';
import { agentKeyDir, type AgentKeys } from '@ops/infra/host-trust/agent-keys';
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NodeConfig } from '@ops/infra/runtime/node-config';
import { AppliedRevisions } from './applied-revisions';
import { LocalUserConverger } from './converge/local-user-converger';
import { ManagedAccounts } from './converge/managed-accounts';
import { HostAgent } from './host-agent';
import { resolveHostRoot } from './sandbox/host-root';
import { prepareSandboxRoot } from './sandbox/prepare-sandbox-root';
import { readInventory } from './shadow/read-accounts';
import { ShadowUtils } from './shadow/shadow-utils';
import type { HostCommandSource } from './transport/host-transport';
import { HostCommandVerifier } from './verify/command-verifier';
import { hostSecretOpener } from './verify/host-secret-opener';
import type { SignedReportSink } from '@ops/infra/host-trust/host-report-signature';
import { SigningReportSink } from './verify/signing-report-sink';

/** The agent's own settings, the account lists it enforces as the API does, and its state's folder. */
type AgentConfig = Settings<HostAgentConfig> &
  Pick<HostsConfig, 'PROTECTED_ACCOUNTS' | 'LOCAL_USER_REFUSED_GROUPS'> &
  Pick<NodeConfig, 'DATA_DIR'>;

/**
 * A root without etc/passwd is a sandbox not made yet. A tree HOST_AGENT_ROOT names is used as it is;
 * the agent's own sandbox in DATA_DIR gets the files a newer agent adds (etc/shells), none replaced.
 */
async function ensureRoot(root: string, config: AgentConfig, logger: Logger): Promise<void> {
  const ownSandbox = config.HOST_AGENT_ROOT === undefined;
  if (root === '/' || (!ownSandbox && existsSync(join(root, 'etc', 'passwd')))) return;
  const created = await prepareSandboxRoot(root, { sudoGroup: config.HOST_AGENT_SUDO_GROUP });
  if (created.length > 0) logger.info({ root, created }, 'sandbox root prepared');
}

/**
 * The agent as both setups run it, whatever carries its commands and reports: on the configured root
 * (a sandbox in DATA_DIR unless HOST_AGENT_ROOT says otherwise), applying only what the control plane
 * signed (`trustedKeys`), opening password hashes and signing reports with its own keys, remembering
 * what it applied in DATA_DIR.
 */
export async function buildHostAgent(options: {
  config: AgentConfig;
  source: HostCommandSource;
  sink: SignedReportSink;
  trustedKeys: readonly KeyObject[];
  agentKeys: AgentKeys;
  logger: Logger;
}): Promise<{ agent: HostAgent; root: string }> {
  const { config, logger } = options;
  const hostId = config.HOST_ID;
  const root = resolveHostRoot(config);
  await ensureRoot(root, config, logger);
  const state = agentKeyDir(config.DATA_DIR, hostId);
  const applied = await AppliedRevisions.open(join(state, 'applied.json'));
  // Accounts an earlier agent applied commands to predate this list: they were the platform's.
  const managed = await ManagedAccounts.open(join(state, 'managed.json'), Object.keys(applied.entries()));
  const agent = new HostAgent({
    hostId,
    source: options.source,
    sink: new SigningReportSink(options.agentKeys.signing, options.sink),
    verifier: new HostCommandVerifier({
      hostId,
      trustedKeys: options.trustedKeys,
      // PROTECTED_ACCOUNTS, which the agent enforces on its own too (system uids: the converger).
      protection: { configured: config.PROTECTED_ACCOUNTS, systemAccounts: [] },
    }),
    converger: new LocalUserConverger({
      root,
      runner: new ShadowUtils({ root }),
      openSecret: hostSecretOpener(options.agentKeys),
      sudoGroup: config.HOST_AGENT_SUDO_GROUP,
      refusedGroups: config.LOCAL_USER_REFUSED_GROUPS,
      managed,
      logger,
    }),
    applied,
    readInventory: () => readInventory(root),
    inventoryIntervalMs: config.HOST_AGENT_INVENTORY_INTERVAL_MS,
    logger,
  });
  return { agent, root };
}
