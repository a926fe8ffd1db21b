/**
 * A value shared by everything in this process under a registered symbol: every copy of this
 * package (Pulumi deserializes one per distinct provider in state) finds the same value, and none
 * of it is captured when Pulumi serializes the provider, since the symbol is looked up at call time.
 */
export function globalSlot<T>(name: string, create: () => T): T {
  const holder = globalThis as unknown as Record<symbol, T | undefined>;
  const key = Symbol.for(`pulumi-conductorone-owners/${name}`);
  let value = holder[key];
  if (value === undefined) {
    value = create();
    holder[key] = value;
  }
  return value;
}
