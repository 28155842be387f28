/**
 * The first `named` items, joined by commas, and how many more there are:
 * `a, b and 3 more`, or `a, b` when there are no more.
 */
export function listFirst(items: readonly string[], named: number): string {
  const listed = items.slice(0, named).join(', ');
  return items.length > named ? `${listed} and ${items.length - named} more` : listed;
}
