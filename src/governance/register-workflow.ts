import type { Kysely } from 'kysely';
import { can } from '../access/abilities.ts';
import { isSystemActor, type Actor, type AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError, type ProblemField } from '../errors/haven-error.ts';
import {
  archiveRegisterRow,
  findRegisterRow,
  insertRegisterRow,
  listRegisterRows,
  listSchoolPeople,
  updateRegisterRow,
  type RegisterPerson,
} from '../store/register-repository.ts';
import type { Database, RegisterRow } from '../store/schema.ts';
import {
  columnLabel,
  displayValue,
  missingRequired,
  normalise,
  personFits,
  rowTitle,
  type FieldValue,
  type RegisterContext,
  type RegisterDefinition,
  type RegisterFlag,
  type RowData,
  type RowView,
} from './register-definition.ts';
import { findRegister } from './registers/index.ts';

/**
 * What every register does, whatever it holds: list (with filters), read, create, edit, archive
 * and export as CSV, each checked against the register's abilities and record rule, each change
 * audited in the same transaction, reads audited for registers that hold personal data.
 */

export interface PresentedRow {
  readonly id: string;
  readonly title: string;
  readonly data: RowData;
  /** Every field and computed column as text (what the list shows and the CSV holds). */
  readonly display: Readonly<Record<string, string>>;
  flags: RegisterFlag[];
  readonly archived: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface RegisterListing {
  rows: PresentedRow[];
  /** Flags about the register as a whole (e.g. a responsibility nobody holds). */
  registerFlags: RegisterFlag[];
}

export interface RegisterListQuery {
  /** Text that any shown value contains (case-insensitive). */
  readonly q?: string | undefined;
  /** Only rows with at least one flag. */
  readonly flagged?: boolean | undefined;
  /** Include archived rows. */
  readonly archived?: boolean | undefined;
}

/** The school the request is about: the actor's own, or the one a trust administrator names. */
export function registerSchool(actor: Actor, requested: string | undefined): string {
  if (actor.schoolId !== null) {
    if (requested !== undefined && requested !== actor.schoolId)
      throw new HavenError('HAVEN_FORBIDDEN', 'You may only see the registers of your own school.');
    return actor.schoolId;
  }
  if (!requested)
    throw new HavenError('HAVEN_VALIDATION', 'Name the school whose registers you mean.', {
      errors: [{ path: 'query.schoolId', message: 'required for a trust administrator' }],
    });
  return requested;
}

/**
 * Does the actor hold the register's ability for this school? Haven itself (the command line,
 * run by whoever operates the server and its database) reads without an ability.
 */
function authorise(
  actor: AuditActor,
  definition: RegisterDefinition,
  mode: 'read' | 'edit',
  schoolId: string,
): void {
  const ability = mode === 'read' ? definition.readAbility : definition.editAbility;
  if (isSystemActor(actor)) {
    if (mode === 'read') return;
    throw new HavenError('HAVEN_FORBIDDEN', 'Registers are changed by a signed-in person.');
  }
  if (!can(actor, ability, { schoolId }))
    throw new HavenError(
      'HAVEN_FORBIDDEN',
      `You do not have the "${ability}" ability for this school.`,
    );
}

export function toView(row: RegisterRow): RowView {
  return {
    id: row.id,
    data: row.data as RowData,
    archived: row.archived_at !== null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** People and the rows other registers' `row` fields point at, for display and flags. */
export async function registerContext(
  db: Kysely<Database>,
  schoolId: string,
  definitions: readonly RegisterDefinition[],
  now: Date,
  people?: readonly RegisterPerson[],
): Promise<RegisterContext> {
  const everyone = people ?? (await listSchoolPeople(db, schoolId));
  const byId = new Map(everyone.map((p) => [p.id, p]));
  const referenced = new Set(
    definitions.flatMap((d) =>
      d.fields.flatMap((f) => (f.type === 'row' && f.register ? [f.register] : [])),
    ),
  );
  const labels = new Map<string, Map<string, string>>();
  const base: RegisterContext = { now, people: byId, rowLabel: () => null };
  for (const key of referenced) {
    const target = findRegister(key);
    if (!target) continue;
    const rows = await listRegisterRows(db, schoolId, key, { includeArchived: true });
    labels.set(key, new Map(rows.map((r) => [r.id, rowTitle(target, toView(r), base)])));
  }
  return { now, people: byId, rowLabel: (register, id) => labels.get(register)?.get(id) ?? null };
}

export function presentRow(
  definition: RegisterDefinition,
  view: RowView,
  ctx: RegisterContext,
): PresentedRow {
  const keys = new Set([
    ...definition.fields.map((f) => f.key),
    ...(definition.computed ?? []).map((c) => c.key),
  ]);
  const display: Record<string, string> = {};
  for (const key of keys) display[key] = displayValue(definition, key, view, ctx);
  return {
    id: view.id,
    title: rowTitle(definition, view, ctx),
    data: view.data,
    display,
    flags: view.archived ? [] : (definition.flags?.(view, ctx) ?? []),
    archived: view.archived,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}

async function auditRead(
  db: Kysely<Database>,
  actor: AuditActor,
  definition: RegisterDefinition,
  schoolId: string,
  subjectId: string | null,
  now: Date,
  detail: Record<string, unknown> = {},
): Promise<void> {
  if (!definition.auditReads) return;
  await audit(
    db,
    actor,
    {
      action: 'register.read',
      subjectType: `register:${definition.key}`,
      subjectId,
      schoolId,
      detail,
    },
    now,
  );
}

export async function listRegister(
  db: Kysely<Database>,
  actor: AuditActor,
  definition: RegisterDefinition,
  schoolId: string,
  query: RegisterListQuery,
  now: Date,
): Promise<RegisterListing> {
  authorise(actor, definition, 'read', schoolId);
  const rows = await listRegisterRows(db, schoolId, definition.key, {
    includeArchived: query.archived === true,
  });
  const ctx = await registerContext(db, schoolId, [definition], now);
  const views = rows.map(toView);
  let presented = views.map((v) => presentRow(definition, v, ctx));
  const needle = query.q?.trim().toLowerCase();
  if (needle)
    presented = presented.filter((r) =>
      Object.values(r.display).some((v) => v.toLowerCase().includes(needle)),
    );
  if (query.flagged) presented = presented.filter((r) => r.flags.length > 0);
  await auditRead(db, actor, definition, schoolId, null, now, {
    rows: presented.length,
    ...(needle ? { q: needle } : {}),
  });
  return {
    rows: presented,
    registerFlags:
      definition.registerFlags?.(
        views.filter((v) => !v.archived),
        ctx,
      ) ?? [],
  };
}

async function loadRow(
  db: Kysely<Database>,
  definition: RegisterDefinition,
  id: string,
  schoolId: string,
): Promise<RegisterRow> {
  const row = await findRegisterRow(db, definition.key, id);
  // Another school's row is "not found": its existence is not told.
  if (!row || row.school_id !== schoolId)
    throw new HavenError(
      'HAVEN_NOT_FOUND',
      `There is no such ${definition.noun} in this register.`,
    );
  return row;
}

export async function readRegisterRow(
  db: Kysely<Database>,
  actor: Actor,
  definition: RegisterDefinition,
  schoolId: string,
  id: string,
  now: Date,
): Promise<PresentedRow> {
  authorise(actor, definition, 'read', schoolId);
  const row = await loadRow(db, definition, id, schoolId);
  const ctx = await registerContext(db, schoolId, [definition], now);
  await auditRead(db, actor, definition, schoolId, id, now);
  return presentRow(definition, toView(row), ctx);
}

/** People and rows named by the data must exist in the school (and fit the field). */
async function checkReferences(
  db: Kysely<Database>,
  definition: RegisterDefinition,
  schoolId: string,
  data: Record<string, FieldValue>,
  people: ReadonlyMap<string, RegisterPerson>,
  selfId: string | null,
): Promise<void> {
  const problems: ProblemField[] = [];
  for (const field of definition.fields) {
    if (field.system) continue;
    const value = data[field.key];
    if (field.type === 'person' || field.type === 'people') {
      const chosen =
        field.type === 'person'
          ? typeof value === 'string'
            ? [value]
            : []
          : ((value as string[] | null) ?? []);
      for (const id of chosen) {
        const person = people.get(id);
        if (!person)
          problems.push({ path: `body.${field.key}`, message: 'no such person in this school' });
        else if (!personFits(person, field.people))
          problems.push({
            path: `body.${field.key}`,
            message: `${person.displayName} cannot be chosen here (${field.people === 'pupils' ? 'pupils only' : field.people === 'staff' ? 'staff only' : 'adults only'})`,
          });
      }
    }
    if (field.type === 'row' && typeof value === 'string') {
      const target = await findRegisterRow(db, field.register ?? '', value);
      if (!target || target.school_id !== schoolId || target.archived_at !== null)
        problems.push({
          path: `body.${field.key}`,
          message: `no such ${findRegister(field.register ?? '')?.noun ?? 'row'}`,
        });
    }
    if (field.unique && typeof value === 'string') {
      const rows = await listRegisterRows(db, schoolId, definition.key);
      const clash = rows.find(
        (r) =>
          r.id !== selfId &&
          String((r.data as RowData)[field.key] ?? '').toLowerCase() === value.toLowerCase(),
      );
      if (clash)
        throw new HavenError(
          'HAVEN_CONFLICT',
          `${field.label} "${value}" is already in the register.`,
          {
            errors: [{ path: `body.${field.key}`, message: 'already in the register' }],
          },
        );
    }
  }
  if (problems.length > 0)
    throw new HavenError(
      'HAVEN_VALIDATION',
      `The request body is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`,
      { errors: problems },
    );
}

/** Cross-field rules of the register on the whole row (after an edit is merged). */
function checkWhole(definition: RegisterDefinition, data: Record<string, FieldValue>): void {
  const problems: ProblemField[] = missingRequired(definition, data).map(([field, message]) => ({
    path: `body.${field}`,
    message,
  }));
  definition.check?.(data, (field, message) => problems.push({ path: `body.${field}`, message }));
  if (problems.length > 0)
    throw new HavenError(
      'HAVEN_VALIDATION',
      `The request body is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`,
      { errors: problems },
    );
}

export interface SavedRow {
  readonly row: PresentedRow;
  readonly notice: string | null;
}

export async function createRegisterRow(
  db: Kysely<Database>,
  actor: Actor,
  definition: RegisterDefinition,
  schoolId: string,
  input: Record<string, FieldValue | undefined>,
  now: Date,
): Promise<SavedRow> {
  authorise(actor, definition, 'edit', schoolId);
  let data = normalise(definition, input);
  checkWhole(definition, data);
  const people = await listSchoolPeople(db, schoolId);
  await checkReferences(
    db,
    definition,
    schoolId,
    data,
    new Map(people.map((p) => [p.id, p])),
    null,
  );
  const { row, notice } = await db.transaction().execute(async (trx) => {
    let notice: string | null = null;
    if (definition.hooks?.beforeSave) {
      const result = await definition.hooks.beforeSave(trx, {
        schoolId,
        data,
        previous: null,
        actor,
        now,
      });
      data = result.data;
      notice = result.notice ?? null;
    }
    const row = await insertRegisterRow(
      trx,
      { schoolId, register: definition.key, data, by: actor.userId },
      now,
    );
    await audit(
      trx,
      actor,
      {
        action: 'register.created',
        subjectType: `register:${definition.key}`,
        subjectId: row.id,
        schoolId,
        detail: { fields: Object.keys(data).filter((k) => data[k] !== null) },
      },
      now,
    );
    return { row, notice };
  });
  const ctx = await registerContext(db, schoolId, [definition], now);
  return { row: presentRow(definition, toView(row), ctx), notice };
}

export async function updateRegisterRowData(
  db: Kysely<Database>,
  actor: Actor,
  definition: RegisterDefinition,
  schoolId: string,
  id: string,
  changes: Record<string, FieldValue | undefined>,
  now: Date,
): Promise<SavedRow> {
  authorise(actor, definition, 'edit', schoolId);
  const existing = await loadRow(db, definition, id, schoolId);
  if (existing.archived_at !== null)
    throw new HavenError(
      'HAVEN_CONFLICT',
      `This ${definition.noun} is archived: it can no longer be changed.`,
    );
  const previous = existing.data as RowData;
  const merged: Record<string, FieldValue | undefined> = { ...previous };
  for (const [key, value] of Object.entries(changes)) if (value !== undefined) merged[key] = value;
  // System fields are Haven's: an edit never sets them.
  for (const field of definition.fields)
    if (field.system) merged[field.key] = previous[field.key] ?? null;
  let data = normalise(definition, merged);
  checkWhole(definition, data);
  const people = await listSchoolPeople(db, schoolId);
  await checkReferences(db, definition, schoolId, data, new Map(people.map((p) => [p.id, p])), id);
  const changed = definition.fields
    .map((f) => f.key)
    .filter((k) => JSON.stringify(previous[k] ?? null) !== JSON.stringify(data[k] ?? null));
  const { row, notice } = await db.transaction().execute(async (trx) => {
    let notice: string | null = null;
    if (definition.hooks?.beforeSave) {
      const result = await definition.hooks.beforeSave(trx, {
        schoolId,
        data,
        previous,
        actor,
        now,
      });
      data = result.data;
      notice = result.notice ?? null;
    }
    const row = await updateRegisterRow(trx, id, { data, by: actor.userId }, now);
    await audit(
      trx,
      actor,
      {
        action: 'register.updated',
        subjectType: `register:${definition.key}`,
        subjectId: id,
        schoolId,
        detail: { changed },
      },
      now,
    );
    return { row, notice };
  });
  const ctx = await registerContext(db, schoolId, [definition], now);
  return { row: presentRow(definition, toView(row), ctx), notice };
}

export async function archiveRegisterRowFor(
  db: Kysely<Database>,
  actor: Actor,
  definition: RegisterDefinition,
  schoolId: string,
  id: string,
  now: Date,
): Promise<PresentedRow> {
  authorise(actor, definition, 'edit', schoolId);
  const existing = await loadRow(db, definition, id, schoolId);
  if (existing.archived_at !== null)
    throw new HavenError('HAVEN_CONFLICT', `This ${definition.noun} is archived already.`);
  const row = await db.transaction().execute(async (trx) => {
    const previous = existing.data as RowData;
    await definition.hooks?.beforeArchive?.(trx, {
      schoolId,
      data: { ...previous },
      previous,
      actor,
      now,
    });
    const row = await archiveRegisterRow(trx, id, actor.userId, now);
    await audit(
      trx,
      actor,
      {
        action: 'register.archived',
        subjectType: `register:${definition.key}`,
        subjectId: id,
        schoolId,
      },
      now,
    );
    return row;
  });
  const ctx = await registerContext(db, schoolId, [definition], now);
  return presentRow(definition, toView(row), ctx);
}

/** A CSV field, quoted when needed, and never read as a formula by a spreadsheet. */
export function csvField(value: string): string {
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The register as CSV: its export columns, live rows (archived too when asked), with flags. */
export async function exportRegisterCsv(
  db: Kysely<Database>,
  actor: AuditActor,
  definition: RegisterDefinition,
  schoolId: string,
  query: RegisterListQuery,
  now: Date,
): Promise<string> {
  authorise(actor, definition, 'read', schoolId);
  const listing = await listRegister(
    db,
    actor,
    { ...definition, auditReads: undefined } as RegisterDefinition,
    schoolId,
    query,
    now,
  );
  await audit(
    db,
    actor,
    {
      action: 'register.exported',
      subjectType: `register:${definition.key}`,
      subjectId: null,
      schoolId,
      detail: { rows: listing.rows.length },
    },
    now,
  );
  const header = [...definition.csvColumns.map((k) => columnLabel(definition, k)), 'Flags'];
  if (query.archived) header.push('Archived');
  const lines = [header.map(csvField).join(',')];
  for (const row of listing.rows) {
    const cells = [
      ...definition.csvColumns.map((k) => row.display[k] ?? ''),
      row.flags.map((f) => f.message).join(' | '),
    ];
    if (query.archived) cells.push(row.archived ? 'Yes' : 'No');
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
