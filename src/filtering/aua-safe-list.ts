import type { Kysely } from 'kysely';
import type { AuaSafeListInput } from '../policy/engine/compile.ts';
import { staffRoles } from '../access/roles.ts';
import { keyStageOfYearGroup } from '../school/year-groups.ts';
import {
  findAuaSettings,
  listAuaPeople,
  listAuaSignatures,
  listAuaVersions,
} from '../store/aua-repository.ts';
import type { AuaAudience, AuaVersion, Database } from '../store/schema.ts';

/**
 * Who must sign which acceptable use agreement (GOV-4), and the filter's safe list for people who
 * have not signed yet. The audience rules are plain functions: the governance pages count
 * completion with them, and the filter builds its snapshot with them.
 */
export const auaAudiences: readonly AuaAudience[] = [
  'pupil-younger',
  'pupil-older',
  'staff',
  'parent',
  'visitor',
];

export const auaAudienceLabels: Readonly<Record<AuaAudience, string>> = {
  'pupil-younger': 'Pupils (EYFS, KS1, KS2)',
  'pupil-older': 'Pupils (KS3 and above)',
  staff: 'Staff and governors',
  parent: 'Parents and carers',
  visitor: 'Visitors',
};

export function isAuaAudience(value: string): value is AuaAudience {
  return (auaAudiences as readonly string[]).includes(value);
}

const adultRoles: readonly string[] = [...staffRoles, 'governor', 'chair-of-governors'];

/**
 * The agreements a person signs, from their roles and year group: pupils by key stage (a pupil
 * without a year group Haven can read signs the younger pupils' agreement), staff and governors
 * the staff one, parents and visitors their own. A parent who also works at the school signs both.
 */
export function auaAudiencesOf(person: {
  readonly roles: readonly string[];
  readonly year_group: string | null;
}): AuaAudience[] {
  const out: AuaAudience[] = [];
  if (person.roles.includes('pupil')) {
    const stage = person.year_group === null ? null : keyStageOfYearGroup(person.year_group);
    out.push(
      stage === 'ks3' || stage === 'ks4' || stage === 'sixth-form'
        ? 'pupil-older'
        : 'pupil-younger',
    );
  }
  if (person.roles.some((r) => adultRoles.includes(r))) out.push('staff');
  if (person.roles.includes('parent')) out.push('parent');
  if (person.roles.includes('visitor')) out.push('visitor');
  return out;
}

/** The version in force for an audience at `at`: the newest already effective. */
export function currentAuaVersion(
  versions: readonly AuaVersion[],
  audience: AuaAudience,
  at: Date,
): AuaVersion | undefined {
  let best: AuaVersion | undefined;
  for (const v of versions) {
    if (v.audience !== audience || new Date(v.effective_from).getTime() > at.getTime()) continue;
    if (best === undefined || v.number > best.number) best = v;
  }
  return best;
}

/**
 * From when a person counts as "not signed" for the filter, or null when they are up to date.
 * Time-free, so a snapshot stays right as versions become effective: walk back from the newest
 * version of each of their audiences over the versions they have not signed; the earliest
 * effective date of that unsigned run is when the restriction starts.
 */
export function unsignedFrom(
  versions: readonly AuaVersion[],
  audiences: readonly AuaAudience[],
  signed: ReadonlySet<string>,
): number | null {
  let from: number | null = null;
  for (const audience of audiences) {
    const mine = versions
      .filter((v) => v.audience === audience)
      .sort((a, b) => b.number - a.number);
    let start: number | null = null;
    for (const v of mine) {
      if (signed.has(v.id)) break;
      start = new Date(v.effective_from).getTime();
    }
    if (start !== null && (from === null || start < from)) from = start;
  }
  return from;
}

/**
 * The safe list the filter enforces for a school, or undefined when the school has not turned it
 * on: every person still to sign (with when that started) and the hosts they may reach.
 */
export async function loadAuaSafeList(
  db: Kysely<Database>,
  schoolId: string,
): Promise<AuaSafeListInput | undefined> {
  const settings = await findAuaSettings(db, schoolId);
  if (!settings?.safe_list_enabled) return undefined;
  const [versions, people, signatures] = await Promise.all([
    listAuaVersions(db, schoolId),
    listAuaPeople(db, schoolId),
    listAuaSignatures(db, schoolId),
  ]);
  const signedBy = new Map<string, Set<string>>();
  for (const s of signatures) {
    const set = signedBy.get(s.user_id) ?? new Set<string>();
    set.add(s.version_id);
    signedBy.set(s.user_id, set);
  }
  const users: [string, number][] = [];
  for (const person of people) {
    const from = unsignedFrom(
      versions,
      auaAudiencesOf(person),
      signedBy.get(person.id) ?? new Set(),
    );
    if (from !== null) users.push([person.id, from]);
  }
  users.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const hosts = [...settings.safe_hosts];
  if (settings.app_host && !hosts.includes(settings.app_host)) hosts.push(settings.app_host);
  return { users, hosts };
}
