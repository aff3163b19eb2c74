import type { Schemas } from './api/views';

export type Session = Schemas['ConsoleSessionView'];
export type Role = Session['user']['roles'][number];

/**
 * Kept for the tab's life only (sessionStorage, never localStorage): closing the tab forgets it, and
 * the token expires within the hour in any case. The CSP admits no script but the console's own.
 */
const KEY = 'ops-console-session';

export function loadSession(): Session | null {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return session && Date.parse(session.expires_at) > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function storeSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** The pages, and who may open each: deny by default, mirroring the roles the API asks for. */
export const PAGES = [
  { path: '/local-users', label: 'Local users', roles: ['admin'] },
  { path: '/hosts', label: 'Hosts', roles: ['admin'] },
  { path: '/credits', label: 'Credits', roles: ['admin'] },
  { path: '/providers', label: 'Providers', roles: ['admin'] },
  { path: '/me', label: 'My API access', roles: ['admin', 'user'] },
  { path: '/audit', label: 'Audit', roles: ['admin', 'auditor'] },
  { path: '/finance', label: 'Finance', roles: ['admin', 'finance'] },
] as const satisfies readonly { path: string; label: string; roles: readonly Role[] }[];

export type PagePath = (typeof PAGES)[number]['path'];

export function mayOpen(session: Session, path: string): boolean {
  const page = PAGES.find((candidate) => path === candidate.path || path.startsWith(`${candidate.path}/`));
  return page !== undefined && page.roles.some((role: Role) => session.user.roles.includes(role));
}
