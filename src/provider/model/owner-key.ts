/** The three values that name one connector role in C1: whose owners, of which connector, in which role. */
export interface OwnerRole {
  appId: string;
  connectorId: string;
  roleSlug: string;
}

/** The four values that identify one connector user owner in C1: a role and a user. */
export interface OwnerKey extends OwnerRole {
  /** The C1 user id (the API's `user_ref_id`). */
  userId: string;
}

/** The role properties in id order. A set's id, diff and validation walk this list. */
export const OWNER_ROLE_PROPERTIES = ["appId", "connectorId", "roleSlug"] as const;

/** The key properties in id order. An owner's id, diff and validation walk this list. */
export const OWNER_KEY_PROPERTIES = [...OWNER_ROLE_PROPERTIES, "userId"] as const;

export type OwnerKeyProperty = (typeof OWNER_KEY_PROPERTIES)[number];
export type OwnerRoleProperty = (typeof OWNER_ROLE_PROPERTIES)[number];

/** Copies just the role out of a larger property bag. */
export function pickOwnerRole(props: OwnerRole): OwnerRole {
  return { appId: props.appId, connectorId: props.connectorId, roleSlug: props.roleSlug };
}

/** Copies just the key out of a larger property bag. */
export function pickOwnerKey(props: OwnerKey): OwnerKey {
  return { ...pickOwnerRole(props), userId: props.userId };
}

/** A role as one string, for maps and lists keyed by role (the same string in every copy of the package). */
export function roleIdentity(role: OwnerRole): string {
  return JSON.stringify([role.appId, role.connectorId, role.roleSlug]);
}

/** An owner as one string, for maps and lists keyed by owner. */
export function ownerIdentity(key: OwnerKey): string {
  return JSON.stringify([key.appId, key.connectorId, key.roleSlug, key.userId]);
}
