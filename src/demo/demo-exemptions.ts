import type { Kysely } from 'kysely';
import { requestChange } from '../casework/change-requests.ts';
import { changeContext, exemptionContext } from '../casework/exemption-context.ts';
import { lessonPeriods } from '../casework/exemption-rules.ts';
import { decideExemption, requestExemption } from '../casework/exemptions.ts';
import { actorOf } from '../access/sessions.ts';
import { SnapshotCache } from '../filtering/snapshot-loader.ts';
import { compileBand } from '../policy/engine/time-bands.ts';
import { documentOf } from '../filtering/policy-versions.ts';
import { listLocalEntries } from '../store/local-entry-repository.ts';
import { findActivePolicyVersion } from '../store/policy-version-repository.ts';
import type { Database } from '../store/schema.ts';
import { findUserByUsername } from '../store/user-repository.ts';

/**
 * Demo records for temporary exemptions and change control, so a newcomer sees each state: an
 * exemption in force this week (asked by the class teacher, approved by the DSL), one waiting for
 * the DSL for the next lesson, and a permanent change waiting for approval.
 */
export async function addDemoExemptions(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
): Promise<void> {
  const teacher = await findUserByUsername(db, 'teacher');
  const dsl = await findUserByUsername(db, 'dsl');
  if (!teacher || !dsl) return;
  const school = await new SnapshotCache(db, () => now).school(schoolId);
  const context = exemptionContext(school, now);
  const asTeacher = { actor: actorOf(teacher), now };

  const week = await requestExemption(
    db,
    schoolId,
    {
      target: { kind: 'category', category: 'file-sharing' },
      groups: ['ks2'],
      startsAt: new Date(now.getTime() - 3_600_000),
      endsAt: new Date(now.getTime() + 5 * 86_400_000),
      reason: 'Year 6 computing project: pupils share their stop-motion animation files',
    },
    context,
    asTeacher,
  );
  await decideExemption(
    db,
    week,
    { approve: true, note: 'Fine for the project week; lessons only, please supervise.' },
    context,
    { actor: actorOf(dsl), now },
  );

  const next = lessonPeriods(
    school.snapshot.rules.bands.map(compileBand),
    school.snapshot.timeZone,
    now,
  ).find((p) => !p.current);
  if (next) {
    await requestExemption(
      db,
      schoolId,
      {
        target: { kind: 'category', category: 'social-media' },
        groups: ['ks2'],
        startsAt: new Date(next.startsAt),
        endsAt: new Date(next.endsAt),
        reason:
          'Year 6 online safety lesson: looking together at a real social media sign-up page and its privacy settings',
      },
      context,
      asTeacher,
    );
  }

  const active = await findActivePolicyVersion(db, schoolId);
  if (active) {
    await requestChange(
      db,
      schoolId,
      {
        spec: {
          kind: 'local-entry.add',
          action: 'allow',
          target: 'times-tables-games.example',
          groups: ['ks1', 'ks2'],
          category: null,
        },
        reason: 'Our times tables practice site: it is blocked as a game at lesson times',
        effectiveAt: null,
      },
      changeContext(school, documentOf(active), await listLocalEntries(db, schoolId), now),
      asTeacher,
    );
  }
}
