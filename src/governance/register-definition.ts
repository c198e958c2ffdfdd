import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Ability } from '../access/abilities.ts';
import type { AuditActor } from '../access/actor.ts';
import type { RegisterPerson } from '../store/register-repository.ts';
import type { Database } from '../store/schema.ts';
import { isDay } from './register-clocks.ts';

/**
 * The declarative register framework. A register is a definition — its fields (with types and
 * validation), who may read and edit it (abilities from `access/abilities.ts`), the columns of
 * its list and of its CSV export, and what it computes from a row (flags, clocks, due dates) —
 * and Haven gives every register the same API routes, the same page and the same tests.
 */

export type FieldType =
  | 'text'
  | 'longtext'
  | 'date'
  | 'datetime'
  | 'number'
  | 'boolean'
  | 'choice'
  /** One Haven account (its id). */
  | 'person'
  /** Several Haven accounts (ids). */
  | 'people'
  /** A row of another register (its id). */
  | 'row';

/** Which accounts a person field offers. */
export type PeopleFilter = 'staff' | 'pupils' | 'adults' | 'anyone';

export interface ChoiceOption {
  readonly value: string;
  readonly label: string;
}

export interface FieldDefinition {
  readonly key: string;
  readonly label: string;
  readonly type: FieldType;
  readonly required?: boolean;
  readonly hint?: string;
  readonly options?: readonly ChoiceOption[];
  readonly people?: PeopleFilter;
  /** For `row` fields: the register the row belongs to. */
  readonly register?: string;
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
  /** Set once, when the row is created; not changed by an edit. */
  readonly createOnly?: true;
  /** Filled in by Haven (a hook), never from the form. */
  readonly system?: true;
  /** No two live rows of the school may share this value (e.g. an asset tag). */
  readonly unique?: true;
}

export type FieldValue = string | number | boolean | readonly string[] | null;
export type RowData = Readonly<Record<string, FieldValue>>;

export interface RowView {
  readonly id: string;
  readonly data: RowData;
  readonly archived: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type FlagSeverity = 'overdue' | 'warning' | 'info';

export interface RegisterFlag {
  readonly code: string;
  readonly severity: FlagSeverity;
  readonly message: string;
}

export interface DueItem {
  readonly kind: string;
  readonly title: string;
  readonly due: Date;
}

/** What a register may look at when it computes flags, clocks and due dates. */
export interface RegisterContext {
  readonly now: Date;
  readonly people: ReadonlyMap<string, RegisterPerson>;
  /** The label of a row of another register (for `row` fields). */
  rowLabel(register: string, id: string): string | null;
}

export interface ComputedColumn {
  readonly key: string;
  readonly label: string;
  value(row: RowView, ctx: RegisterContext): string;
}

/** Reports a problem with a field of a row being saved (becomes `body.<field>` in the 400). */
export type IssueReporter = (field: string, message: string) => void;

export interface HookInput {
  readonly schoolId: string;
  readonly data: Record<string, FieldValue>;
  readonly previous: RowData | null;
  readonly actor: AuditActor;
  readonly now: Date;
}

export interface HookResult {
  readonly data: Record<string, FieldValue>;
  /** Shown once to the person who saved (e.g. a guest account's password). */
  readonly notice?: string;
}

export interface RegisterHooks {
  /** Inside the save's transaction, after validation: may change the data and act on it. */
  beforeSave?(db: Kysely<Database>, input: HookInput): Promise<HookResult>;
  /** Inside the archive's transaction. */
  beforeArchive?(db: Kysely<Database>, input: HookInput): Promise<void>;
}

export type RegisterArea =
  | 'Roles and the Online Safety Group'
  | 'Devices, software and guests'
  | 'Photos and images'
  | 'Data protection'
  | 'Social media';

export interface RegisterDefinition {
  /** URL name: `/api/registers/<key>`, `/registers/<key>`. */
  readonly key: string;
  readonly title: string;
  /** One row, in the singular ("breach"), for buttons and messages. */
  readonly noun: string;
  readonly area: RegisterArea;
  readonly description: string;
  /** The requirement and the policy sections it comes from. */
  readonly source: string;
  readonly readAbility: Ability;
  readonly editAbility: Ability;
  /** Reads are audited (registers holding personal data about pupils or data subjects). */
  readonly auditReads?: true;
  readonly fields: readonly FieldDefinition[];
  /** The field naming a row (in lists, messages, due dates). */
  readonly titleField: string;
  /** Field or computed keys shown in the list, in order. */
  readonly columns: readonly string[];
  /** Field or computed keys exported as CSV, in order. */
  readonly csvColumns: readonly string[];
  readonly computed?: readonly ComputedColumn[];
  /** Cross-field rules, run after each field's own validation. */
  check?(data: RowData, issue: IssueReporter): void;
  flags?(row: RowView, ctx: RegisterContext): RegisterFlag[];
  /** Flags about the register as a whole (e.g. a role nobody holds). */
  registerFlags?(rows: readonly RowView[], ctx: RegisterContext): RegisterFlag[];
  dueDates?(row: RowView, ctx: RegisterContext): DueItem[];
  readonly hooks?: RegisterHooks;
}

// ---------------------------------------------------------------------------------------------
// Validation built from the fields

function fieldSchema(
  field: FieldDefinition,
  mode: 'create' | 'update',
): z.ZodType<FieldValue | undefined> {
  const maxLength = field.maxLength ?? (field.type === 'longtext' ? 20_000 : 500);
  // A missing value gets "… is required"; a value of the wrong kind gets what is expected.
  const expected = (what: string) => ({
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `${field.label} is required` : what,
  });
  let schema: z.ZodType<FieldValue>;
  switch (field.type) {
    case 'text':
    case 'longtext':
      schema = z
        .string(expected('write some text'))
        .trim()
        .max(maxLength, `keep it under ${maxLength} characters`);
      break;
    case 'date':
      schema = z
        .string(expected('give a date as YYYY-MM-DD'))
        .refine(isDay, 'give a real date as YYYY-MM-DD');
      break;
    case 'datetime':
      schema = z
        .string(expected('give a date and time'))
        .refine(
          (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) && !Number.isNaN(Date.parse(v)),
          'give a date and time (ISO 8601, e.g. 2026-11-23T09:30:00Z)',
        )
        .transform((v) => new Date(v).toISOString());
      break;
    case 'number': {
      let n = z.number(expected('give a number')).int('give a whole number');
      if (field.min !== undefined) n = n.min(field.min, `at least ${field.min}`);
      if (field.max !== undefined) n = n.max(field.max, `at most ${field.max}`);
      schema = n;
      break;
    }
    case 'boolean':
      return z.boolean('yes or no').optional();
    case 'choice': {
      const values = (field.options ?? []).map((o) => o.value);
      schema = z
        .string(expected(`one of: ${values.join(', ')}`))
        .refine((v) => values.includes(v), `one of: ${values.join(', ')}`);
      break;
    }
    case 'person':
    case 'row':
      schema = z.uuid(expected('choose from the list'));
      break;
    case 'people':
      schema = z
        .array(z.uuid('choose people from the list'), expected('a list of people'))
        .max(200, 'at most 200 people');
      break;
  }
  // Empty text and an empty list are "not given".
  const blank = (v: unknown) =>
    v === '' || v === null || (Array.isArray(v) && v.length === 0) ? undefined : v;
  if (mode === 'update') {
    // In an edit, a missing field is unchanged and an empty one is cleared (required fields
    // are checked once the edit is merged with the row).
    return z.preprocess(
      (v) => (blank(v) === undefined && v !== undefined ? null : v),
      schema.nullable().optional(),
    );
  }
  if (field.required) return z.preprocess(blank, schema);
  return z.preprocess(blank, schema.optional());
}

function editableFields(definition: RegisterDefinition): FieldDefinition[] {
  return definition.fields.filter((f) => !f.system);
}

/** The body of a create: every field (required ones must be there). */
export function createSchema(
  definition: RegisterDefinition,
): z.ZodType<Record<string, FieldValue>> {
  const shape: Record<string, z.ZodType> = {};
  for (const field of editableFields(definition)) shape[field.key] = fieldSchema(field, 'create');
  return z.strictObject(shape).superRefine((data, ctx) => {
    definition.check?.(
      normalise(definition, data as Record<string, FieldValue | undefined>),
      (field, message) => ctx.addIssue({ code: 'custom', path: [field], message }),
    );
  }) as unknown as z.ZodType<Record<string, FieldValue>>;
}

/** The body of an edit: the fields to change (checked again as a whole once merged). */
export function updateSchema(
  definition: RegisterDefinition,
): z.ZodType<Record<string, FieldValue>> {
  const shape: Record<string, z.ZodType> = {};
  for (const field of editableFields(definition)) {
    if (field.createOnly) continue;
    shape[field.key] = fieldSchema(field, 'update');
  }
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, FieldValue>>;
}

/** Required fields left empty (after an edit is merged), as `[field, message]`. */
export function missingRequired(
  definition: RegisterDefinition,
  data: Readonly<Record<string, FieldValue>>,
): [string, string][] {
  return definition.fields
    .filter((f) => f.required && !f.system)
    .filter((f) => {
      const v = data[f.key];
      return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
    })
    .map((f) => [f.key, `${f.label} is required`]);
}

/** Every field present: absent values become null (false for yes/no fields). */
export function normalise(
  definition: RegisterDefinition,
  data: Readonly<Record<string, FieldValue | undefined>>,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const field of definition.fields) {
    const value = data[field.key];
    if (field.type === 'boolean') out[field.key] = value === true;
    else if (field.type === 'people')
      out[field.key] = Array.isArray(value) ? [...new Set(value as string[])] : [];
    else out[field.key] = value === undefined ? null : value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading rows

export function text(data: RowData, key: string): string | null {
  const v = data[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

export function num(data: RowData, key: string): number | null {
  const v = data[key];
  return typeof v === 'number' ? v : null;
}

export function ids(data: RowData, key: string): string[] {
  const v = data[key];
  return Array.isArray(v) ? [...(v as string[])] : [];
}

export function flag(data: RowData, key: string): boolean {
  return data[key] === true;
}

export function personName(ctx: RegisterContext, id: string | null): string {
  if (!id) return '';
  return ctx.people.get(id)?.displayName ?? 'Unknown person';
}

/** Has this person left: account removed, switched off or locked? */
export function personLeft(
  ctx: RegisterContext,
  id: string,
): 'removed' | 'switched off' | 'locked' | 'expired' | null {
  const person = ctx.people.get(id);
  if (!person) return 'removed';
  if (person.disabled) return 'switched off';
  if (person.lockedUntil && person.lockedUntil.getTime() > ctx.now.getTime()) return 'locked';
  if (person.guestExpiresAt && person.guestExpiresAt.getTime() <= ctx.now.getTime())
    return 'expired';
  return null;
}

export function choiceLabel(field: FieldDefinition, value: string | null): string {
  if (value === null) return '';
  return field.options?.find((o) => o.value === value)?.label ?? value;
}

/** A cell as text: what the list shows and the CSV holds (dates as YYYY-MM-DD, times ISO). */
export function displayValue(
  definition: RegisterDefinition,
  key: string,
  row: RowView,
  ctx: RegisterContext,
): string {
  const computed = definition.computed?.find((c) => c.key === key);
  if (computed) return computed.value(row, ctx);
  const field = definition.fields.find((f) => f.key === key);
  if (!field) return '';
  const value = row.data[key];
  if (value === null || value === undefined) return '';
  switch (field.type) {
    case 'boolean':
      return value === true ? 'Yes' : 'No';
    case 'choice':
      return choiceLabel(field, String(value));
    case 'person':
      return personName(ctx, String(value));
    case 'people':
      return ids(row.data, key)
        .map((id) => personName(ctx, id))
        .join('; ');
    case 'row':
      return ctx.rowLabel(field.register ?? '', String(value)) ?? 'Archived or removed row';
    case 'number':
      return String(value);
    default:
      return String(value);
  }
}

export function rowTitle(
  definition: RegisterDefinition,
  row: RowView,
  ctx: RegisterContext,
): string {
  return displayValue(definition, definition.titleField, row, ctx) || definition.noun;
}

/** The label of a column key (field or computed). */
export function columnLabel(definition: RegisterDefinition, key: string): string {
  return (
    definition.fields.find((f) => f.key === key)?.label ??
    definition.computed?.find((c) => c.key === key)?.label ??
    key
  );
}

/** Does this person fit the field's filter? */
export function personFits(person: RegisterPerson, filter: PeopleFilter | undefined): boolean {
  const roles = person.roles;
  switch (filter ?? 'adults') {
    case 'pupils':
      return roles.includes('pupil');
    case 'staff':
      return roles.some((r) =>
        ['staff', 'technician', 'dsl', 'deputy-dsl', 'online-safety-lead', 'head'].includes(r),
      );
    case 'adults':
      return !roles.includes('pupil');
    case 'anyone':
      return true;
  }
}
