/** Every role the platform knows; adding one here is all a new role needs. */
export const ROLES = ['admin', 'user', 'auditor', 'finance'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
