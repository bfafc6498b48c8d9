/** Numbers and shares as the Review panel writes them (filters, list, item, bulk results). */
export const fmt = (n: number) => n.toLocaleString('en-US');
export const pct = (x: number) => `${Math.round(x * 100)}%`;
