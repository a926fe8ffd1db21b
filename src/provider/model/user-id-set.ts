/** A set of user ids as a sorted list without duplicates: how a ConnectorUserOwners stores its users. */
export function toUserIdSet(userIds: readonly string[]): string[] {
  return [...new Set(userIds)].sort();
}

/** True when both lists hold the same user ids, whatever their order or duplicates. */
export function isSameUserIdSet(a: readonly string[], b: readonly string[]): boolean {
  const left = toUserIdSet(a);
  const right = toUserIdSet(b);
  return left.length === right.length && left.every((userId, index) => userId === right[index]);
}
