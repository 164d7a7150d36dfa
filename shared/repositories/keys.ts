/**
 * Key builders for the single hub table, one per entity, all in one place.
 * The README lists every access pattern and the key or index that serves it.
 */
export const keys = {
  healthProbe: (instanceId: string) => ({ PK: 'HEALTH', SK: `PROBE#${instanceId}` }),
} as const;
