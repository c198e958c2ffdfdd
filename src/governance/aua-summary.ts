import type { Kysely } from 'kysely';
import type { AuaAudience, Database } from '../store/schema.ts';
import { auaCompletion } from './aua.ts';

/**
 * AUA completion for the governor report (GOV-2): per audience, how many must sign the version
 * in force at `at` and how many have. Counts only, no names. Audiences without a published
 * version are left out.
 */
export async function summariseAuaCompletion(
  db: Kysely<Database>,
  schoolId: string,
  at: Date,
): Promise<{ audience: AuaAudience; signed: number; due: number }[]> {
  const completion = await auaCompletion(db, schoolId, at);
  return completion.byAudience
    .filter((row) => row.version !== null)
    .map((row) => ({ audience: row.audience, signed: row.signed, due: row.due }));
}
