/** The four values that identify one connector user owner in C1. */
export interface OwnerKey {
  appId: string;
  connectorId: string;
  roleSlug: string;
  /** The C1 user id (the API's `user_ref_id`). */
  userId: string;
}

/** The key properties in id order. Diff, ids and validation all walk this list. */
export const OWNER_KEY_PROPERTIES = ["appId", "connectorId", "roleSlug", "userId"] as const;

export type OwnerKeyProperty = (typeof OWNER_KEY_PROPERTIES)[number];

/** Copies just the key out of a larger property bag. */
export function pickOwnerKey(props: OwnerKey): OwnerKey {
  return { appId: props.appId, connectorId: props.connectorId, roleSlug: props.roleSlug, userId: props.userId };
}
