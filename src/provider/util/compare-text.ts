/**
 * Code-unit order of two strings, not localeCompare: documents, reports and policy messages must
 * come out in the same order on every machine, whatever its locale.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
