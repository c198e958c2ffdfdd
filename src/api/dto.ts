import { z } from 'zod';
import { roles } from '../access/roles.ts';
import type { AuditRow, School, User } from '../store/schema.ts';

/** What the API says about people and schools: never a password hash. */
export const schoolDto = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  isDemo: z.boolean(),
  timeZone: z.string(),
});

export const userDto = z.object({
  id: z.string(),
  schoolId: z.string().nullable(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  roles: z.array(z.string()),
  groups: z.array(z.string()),
  yearGroup: z.string().nullable(),
  staffRole: z.string().nullable(),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  hasPassword: z.boolean(),
});

export const roleSchema = z.enum(roles);

export const auditEntryDto = z.object({
  seq: z.number(),
  at: z.string(),
  schoolId: z.string().nullable(),
  actorId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string(),
});

export function presentSchool(school: School): z.input<typeof schoolDto> {
  return {
    id: school.id,
    slug: school.slug,
    name: school.name,
    isDemo: school.is_demo,
    timeZone: school.time_zone,
  };
}

export function presentUser(user: User, groups: string[]): z.input<typeof userDto> {
  return {
    id: user.id,
    schoolId: user.school_id,
    username: user.username,
    displayName: user.display_name,
    email: user.email,
    roles: user.roles,
    groups,
    yearGroup: user.year_group,
    staffRole: user.staff_role,
    disabled: user.disabled,
    lockedUntil: user.locked_until ? new Date(user.locked_until).toISOString() : null,
    hasPassword: user.password_hash !== null,
  };
}

export function presentAudit(row: AuditRow): z.input<typeof auditEntryDto> {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    schoolId: row.school_id,
    actorId: row.actor_id,
    actor: row.actor_label,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    detail: row.detail,
    hash: row.hash,
  };
}
