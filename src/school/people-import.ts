import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import type { Role } from '../access/roles.ts';
import { HavenError, type ProblemField } from '../errors/haven-error.ts';
import { listGroups } from '../store/school-repository.ts';
import type { Database, User } from '../store/schema.ts';
import {
  findUserByUsername,
  groupSlugsOf,
  insertUser,
  setUserGroups,
  updateUser,
} from '../store/user-repository.ts';
import { placementGroupSlugs } from './standard-groups.ts';
import { keyStageOfYearGroup, placementOfStaffRole } from './year-groups.ts';

/** One person as the import will write them. */
export interface ImportedPerson {
  line: number;
  username: string;
  displayName: string;
  email: string | null;
  yearGroup: string | null;
  staffRole: string | null;
  roles: Role[];
  group: string | null;
}

export interface ImportRowError {
  line: number;
  message: string;
}

export type ParsedImport =
  { ok: true; people: ImportedPerson[] } | { ok: false; errors: ImportRowError[] };

/** Header names MIS exports use (SIMS, Arbor, Bromcom, iSAMS), lower-cased, for each field. */
const headerAliases: Readonly<Record<string, readonly string[]>> = {
  name: ['name', 'full name', 'display name', 'preferred name'],
  forename: ['forename', 'first name', 'legal forename', 'preferred forename', 'given name'],
  surname: ['surname', 'last name', 'legal surname', 'preferred surname', 'family name'],
  username: ['username', 'user name', 'login', 'user id', 'userid', 'upn login'],
  email: ['email', 'email address', 'e-mail', 'school email'],
  yearGroup: ['year group', 'year', 'nc year', 'ncyear', 'year group (nc)'],
  staffRole: ['staff role', 'role', 'job title', 'position'],
};

const usernamePattern = /^[a-z0-9][a-z0-9._-]{1,63}$/i;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function fieldOfHeader(header: string): string | undefined {
  const h = header.trim().toLowerCase().replace(/[_]+/g, ' ');
  return Object.keys(headerAliases).find((field) => headerAliases[field]?.includes(h));
}

/**
 * Read and check a whole CSV file. Every row is checked; when any row is wrong the result
 * lists them all (by line number) and nothing is to be imported.
 */
export function parsePeopleCsv(text: string): ParsedImport {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
    }) as string[][];
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return {
      ok: false,
      errors: [{ line: e.lines ?? 1, message: `the file is not valid CSV: ${e.message}` }],
    };
  }
  const header = records[0];
  if (!header)
    return {
      ok: false,
      errors: [{ line: 1, message: 'the file is empty; the first line must be a header row' }],
    };

  const columns = header.map(fieldOfHeader);
  const has = (field: string): boolean => columns.includes(field);
  const errors: ImportRowError[] = [];
  if (!has('username')) errors.push({ line: 1, message: 'the header has no "username" column' });
  if (!has('name') && !(has('forename') && has('surname'))) {
    errors.push({
      line: 1,
      message: 'the header needs a "name" column, or "forename" and "surname" columns',
    });
  }
  if (!has('yearGroup') && !has('staffRole')) {
    errors.push({
      line: 1,
      message: 'the header needs a "year group" or a "staff role" column (or both)',
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const people: ImportedPerson[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, index) => {
    const line = index + 2;
    if (record.every((cell) => cell === '')) return;
    const value = (field: string): string => {
      const i = columns.indexOf(field);
      return i >= 0 ? (record[i] ?? '').trim() : '';
    };
    const problems: string[] = [];
    if (record.length > header.length)
      problems.push(`${record.length} cells but the header has ${header.length}`);
    const username = value('username').toLowerCase();
    if (!username) problems.push('username is empty');
    else if (!usernamePattern.test(username)) {
      problems.push(
        `username "${username}" may use only letters, digits, dots, dashes and underscores (2–64 characters)`,
      );
    } else if (seen.has(username)) {
      problems.push(`username "${username}" is also on line ${seen.get(username)}`);
    }
    const displayName =
      value('name') || [value('forename'), value('surname')].filter(Boolean).join(' ');
    if (!displayName) problems.push('name is empty');
    const email = value('email') || null;
    if (email && !emailPattern.test(email))
      problems.push(`email "${email}" is not an email address`);
    const yearGroup = value('yearGroup') || null;
    const staffRole = value('staffRole') || null;
    let roles: Role[] = [];
    let group: string | null = null;
    if (yearGroup && staffRole) {
      problems.push('give a year group (pupils) or a staff role (adults), not both');
    } else if (yearGroup) {
      group = keyStageOfYearGroup(yearGroup);
      roles = ['pupil'];
      if (!group)
        problems.push(
          `year group "${yearGroup}" is not one Haven knows (use Reception, Year 1 … Year 13)`,
        );
    } else if (staffRole) {
      ({ roles, group } = placementOfStaffRole(staffRole));
    } else {
      problems.push('year group and staff role are both empty: one is needed');
    }
    if (problems.length > 0) {
      errors.push({ line, message: problems.join('; ') });
      return;
    }
    seen.set(username, line);
    people.push({ line, username, displayName, email, yearGroup, staffRole, roles, group });
  });
  if (errors.length > 0) return { ok: false, errors };
  if (people.length === 0)
    return { ok: false, errors: [{ line: 2, message: 'the file has a header but no people' }] };
  return { ok: true, people };
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/**
 * Write checked people into a school in one transaction: a person already there (same
 * username) is updated, never duplicated, so importing the same file twice changes nothing.
 * Roles given by the import are added to the person's roles; placement groups (key stage,
 * staff, visitors) follow the file; nominated and custom groups are left alone.
 */
export async function importPeople(
  db: Kysely<Database>,
  input: {
    schoolId: string;
    people: ImportedPerson[];
    actor: AuditActor;
    now: Date;
    source: string;
  },
): Promise<ImportSummary> {
  return db.transaction().execute(async (trx) => {
    const groups = await listGroups(trx, input.schoolId);
    const groupIdBySlug = new Map(groups.map((g) => [g.slug, g.id]));
    const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0 };
    const conflicts: ProblemField[] = [];
    const existingByUsername = new Map<string, User | undefined>();
    for (const person of input.people) {
      const existing = await findUserByUsername(trx, person.username);
      if (existing && existing.school_id !== input.schoolId) {
        conflicts.push({
          path: `line ${person.line}`,
          message: `username "${person.username}" belongs to someone in another school`,
        });
      }
      if (person.group && !groupIdBySlug.has(person.group)) {
        conflicts.push({
          path: `line ${person.line}`,
          message: `the school has no "${person.group}" group`,
        });
      }
      existingByUsername.set(person.username, existing);
    }
    if (conflicts.length > 0) {
      throw new HavenError(
        'HAVEN_IMPORT_REJECTED',
        `${conflicts.length} row(s) cannot be imported; nothing was imported.`,
        {
          errors: conflicts,
        },
      );
    }
    const currentGroups = await groupSlugsOf(
      trx,
      [...existingByUsername.values()].flatMap((u) => (u ? [u.id] : [])),
    );
    for (const person of input.people) {
      const existing = existingByUsername.get(person.username);
      const placement = person.group ? [person.group] : [];
      if (!existing) {
        const user = await insertUser(trx, {
          school_id: input.schoolId,
          username: person.username,
          display_name: person.displayName,
          email: person.email,
          roles: person.roles,
          year_group: person.yearGroup,
          staff_role: person.staffRole,
          password_hash: null,
          updated_at: input.now,
        });
        await setUserGroups(
          trx,
          user.id,
          placement.flatMap((slug) => groupIdBySlug.get(slug) ?? []),
        );
        await audit(
          trx,
          input.actor,
          {
            action: 'user.created',
            subjectType: 'user',
            subjectId: user.id,
            schoolId: input.schoolId,
            detail: {
              username: user.username,
              roles: person.roles,
              groups: placement,
              source: input.source,
            },
          },
          input.now,
        );
        summary.created += 1;
        continue;
      }
      const roles = [...new Set([...existing.roles, ...person.roles])];
      const kept = (currentGroups.get(existing.id) ?? []).filter(
        (slug) => !placementGroupSlugs.has(slug),
      );
      const wantGroups = [...new Set([...kept, ...placement])];
      const changes: Record<string, [unknown, unknown]> = {};
      if (existing.display_name !== person.displayName)
        changes.displayName = [existing.display_name, person.displayName];
      if (existing.email !== person.email) changes.email = [existing.email, person.email];
      if (existing.year_group !== person.yearGroup)
        changes.yearGroup = [existing.year_group, person.yearGroup];
      if (existing.staff_role !== person.staffRole)
        changes.staffRole = [existing.staff_role, person.staffRole];
      if (!sameList(existing.roles, roles)) changes.roles = [existing.roles, roles];
      if (!sameList(currentGroups.get(existing.id) ?? [], wantGroups)) {
        changes.groups = [currentGroups.get(existing.id) ?? [], wantGroups];
      }
      if (Object.keys(changes).length === 0) {
        summary.unchanged += 1;
        continue;
      }
      await updateUser(trx, existing.id, {
        display_name: person.displayName,
        email: person.email,
        year_group: person.yearGroup,
        staff_role: person.staffRole,
        roles,
        updated_at: input.now,
      });
      await setUserGroups(
        trx,
        existing.id,
        wantGroups.flatMap((slug) => groupIdBySlug.get(slug) ?? []),
      );
      await audit(
        trx,
        input.actor,
        {
          action: 'user.updated',
          subjectType: 'user',
          subjectId: existing.id,
          schoolId: input.schoolId,
          detail: { username: existing.username, changes, source: input.source },
        },
        input.now,
      );
      summary.updated += 1;
    }
    return summary;
  });
}
