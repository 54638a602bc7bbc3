/** Who is calling, as every route and service sees it; never the raw token or claims. */
export interface AuthUser {
  readonly id: string;
  readonly roles: readonly string[];
}

/** The role that opens the admin API. */
export const ADMIN_ROLE = "admin";

/** True when `user` holds the admin role. */
export function isAdmin(user: AuthUser): boolean {
  return user.roles.includes(ADMIN_ROLE);
}
