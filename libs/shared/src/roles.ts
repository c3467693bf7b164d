export const ROLES = ['api', 'realtime', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export function parseRoles(value: string): Role[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(ROLES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`unknown role(s) "${unknown.join(',') || value}": expected a comma list of ${ROLES.join(', ')}`);
  }
  return [...new Set(names)] as Role[];
}
