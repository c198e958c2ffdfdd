import { createHash } from 'node:crypto';

/** The first entry's `prev_hash`. */
export const genesisHash = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  at: Date;
  schoolId: string | null;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
}

/** JSON with object keys sorted at every level, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 over every field of the entry and the previous entry's hash. */
export function entryHash(fields: ChainedFields): string {
  const material = canonicalJson([
    fields.seq,
    fields.at.toISOString(),
    fields.schoolId,
    fields.actorId,
    fields.actorLabel,
    fields.action,
    fields.subjectType,
    fields.subjectId,
    fields.detail,
    fields.prevHash,
  ]);
  return createHash('sha256').update(material).digest('hex');
}
