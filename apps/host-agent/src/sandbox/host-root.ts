import { join } from 'node:path';

/**
 * The root the agent manages: HOST_AGENT_ROOT when set (`/` only then), otherwise a sandbox in the
 * data folder, so an agent started without thought never changes the real system's users.
 */
export function resolveHostRoot(config: { HOST_AGENT_ROOT?: string; DATA_DIR: string }): string {
  return config.HOST_AGENT_ROOT ?? join(config.DATA_DIR, 'host-root');
}
