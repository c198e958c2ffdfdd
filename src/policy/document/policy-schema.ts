import { z } from 'zod';

/**
 * The school's Online Safety Policy tables as versionable data (POL-1): groups, filter
 * categories, time bands, the User Actions matrix, the Communication Technologies and Mobile
 * Technologies tables and the pupil and staff Sanctions tables.
 *
 * These schemas check the *shape* of a policy document. Rules that relate one part to another
 * (a matrix cell naming an unknown group, an illegal category lifted for some group, a sanction
 * naming an action that is not a column) are checked by `checkPolicy()` in `policy-checks.ts`,
 * so that every problem in a file is reported at once. The format is described for schools in
 * `docs/policy-format.md`; `policyJsonSchema()` publishes it as `docs/policy.schema.json`.
 */

export const POLICY_SCHEMA_VERSION = 1;

const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const idSchema = z
  .string()
  .regex(KEBAB_ID, 'must be a kebab-case id such as "ks2" or "social-media"');

const text = z.string().trim().min(1, 'must not be empty');

/** Where a table entry comes from: a seed policy (a template) or the school's own text. */
export const SOURCE_DOCUMENTS = ['roundwood', 'crosfields', 'school'] as const;
export type SourceDocument = (typeof SOURCE_DOCUMENTS)[number];

export const sourceSchema = z
  .strictObject({
    seed: z
      .enum(SOURCE_DOCUMENTS)
      .describe(
        'The policy the entry comes from: a seed template (`roundwood`, `crosfields`) or `school` for the school’s own wording.',
      ),
    section: text.describe('The heading of the section of that policy, as it is written there.'),
  })
  .describe('Citation of the section a table entry comes from.')
  .meta({ id: 'PolicySource' });
export type Source = z.infer<typeof sourceSchema>;

const note = text.describe(
  'A remark shown with the entry: how an ambiguity in the source was read, or what the school should confirm.',
);

// ---------------------------------------------------------------------------------------------
// Metadata

export const metadataSchema = z
  .strictObject({
    school: text.describe('The school’s name as it appears in the published policy.'),
    template: idSchema.describe(
      'The template the policy was started from (`roundwood`, `crosfields`) or `school`.',
    ),
    title: text.describe('Title of the document, e.g. "Online Safety Policy".'),
    sources: z
      .array(sourceSchema)
      .min(1, 'must cite at least one section')
      .describe('The sections of the source policy that this document encodes.'),
    note: note.optional(),
  })
  .describe('What this policy is and where its tables come from.');
export type PolicyMetadata = z.infer<typeof metadataSchema>;

// ---------------------------------------------------------------------------------------------
// Groups

/**
 * Same vocabulary as the engine (`src/policy/engine/rules.ts`):
 * - `age-stage`, `staff`, `visitor`, `guest`: columns of the User Actions matrix;
 * - `nominated`: users named for "acceptable for nominated users"; not a column.
 */
export const GROUP_KINDS = ['age-stage', 'staff', 'visitor', 'guest', 'nominated'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export const groupSchema = z
  .strictObject({
    id: idSchema.describe('`eyfs`, `ks1`, `ks2`, `ks3`, `ks4`, `sixth-form`, `staff`, ...'),
    label: text.describe('In the school’s words, e.g. "Key Stage 2".'),
    kind: z
      .enum(GROUP_KINDS)
      .describe(
        '`age-stage`, `staff`, `visitor` and `guest` groups are columns of the User Actions matrix; `nominated` groups are named in "acceptable for nominated users" cells.',
      ),
    description: text.optional().describe('Who belongs to the group.'),
    uncategorised: z
      .enum(['allow', 'block'])
      .optional()
      .describe(
        'Sites in no list at all: `allow` (usual) or `block` (a walled garden). Default: `filtering.uncategorised`.',
      ),
    source: sourceSchema.optional(),
    note: note.optional(),
  })
  .describe('A user group.')
  .meta({ id: 'PolicyGroup' });
export type PolicyGroup = z.infer<typeof groupSchema>;

// ---------------------------------------------------------------------------------------------
// Categories

/**
 * - `illegal`: unacceptable and illegal for every group, always (POL-4);
 * - `inappropriate`: harmful content; blocked for every group unless a User Actions row says otherwise;
 * - `neutral`: allowed unless a User Actions row says otherwise;
 * - `allow-type`: an allow list (e.g. educational games) that wins over neutral and inappropriate lists.
 */
export const LEGAL_STATUSES = ['illegal', 'inappropriate', 'neutral', 'allow-type'] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

/** The categories that must be present and `illegal` in every policy (POL-4). */
export const REQUIRED_ILLEGAL_CATEGORIES = ['child-abuse', 'terrorism'] as const;

export const categorySchema = z
  .strictObject({
    id: idSchema.describe('Haven category id, e.g. `gambling`, `child-abuse`, `social-media`.'),
    label: text.describe('In the school’s words; used on the block page.'),
    legal: z.enum(LEGAL_STATUSES).describe('How the law and the school see the category.'),
    list: text
      .optional()
      .describe('The external list that defines it, e.g. "IWF URL list", "CTIRU list".'),
    wording: text.optional().describe('The source policy’s wording for this kind of content.'),
    source: sourceSchema,
    note: note.optional(),
  })
  .describe('A filter category.')
  .meta({ id: 'PolicyCategory' });
export type PolicyCategory = z.infer<typeof categorySchema>;

// ---------------------------------------------------------------------------------------------
// Time bands

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:MM-HH:MM`, start inclusive, end exclusive; `24:00` is allowed as an end. */
export const TIME_RANGE = /^(?:[01]\d|2[0-3]):[0-5]\d-(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

export const timeRangeSchema = z
  .string()
  .regex(TIME_RANGE, 'must be a time range such as "09:00-10:30" (24-hour clock)')
  .describe('A local time range `HH:MM-HH:MM`; the end is exclusive.');

export const dateSchema = z
  .string()
  .regex(DATE, 'must be a date such as "2025-09-03" (YYYY-MM-DD)')
  .describe('A local date `YYYY-MM-DD`.');

export const termSchema = z
  .strictObject({
    name: text.describe('e.g. "Autumn term (first half)".'),
    from: dateSchema.describe('First day of the term (inclusive).'),
    to: dateSchema.describe('Last day of the term (inclusive).'),
  })
  .describe('A term or half term.');
export type Term = z.infer<typeof termSchema>;

export const timeBandSchema = z
  .strictObject({
    id: idSchema.describe('`lessons`, `break`, `lunch`, `after-school`, ...'),
    label: text,
    days: z.array(z.enum(WEEKDAYS)).min(1, 'must name at least one day'),
    times: z.array(timeRangeSchema).min(1, 'must give at least one time range'),
    termTimeOnly: z
      .boolean()
      .optional()
      .describe(
        'When term dates are given, whether the band applies only inside them (default true).',
      ),
    source: sourceSchema.optional(),
    note: note.optional(),
  })
  .describe('A named part of the school week for "acceptable at certain times" (FIL-2).')
  .meta({ id: 'PolicyTimeBand' });
export type TimeBand = z.infer<typeof timeBandSchema>;

export const timeBandsSchema = z
  .strictObject({
    timeZone: text
      .default('Europe/London')
      .describe('IANA time zone the times are local to (default Europe/London).'),
    terms: z
      .array(termSchema)
      .optional()
      .describe('Optional term dates; when given, bands apply only in term time.'),
    bands: z.array(timeBandSchema).min(1, 'must define at least one time band'),
  })
  .describe('The school’s time bands.');
export type TimeBands = z.infer<typeof timeBandsSchema>;

// ---------------------------------------------------------------------------------------------
// Filtering settings that the tables do not state

export const filteringSchema = z
  .strictObject({
    fallbackGroup: idSchema.describe(
      'Group used when a request cannot be tied to a user (e.g. an unidentified device).',
    ),
    otherCategories: z
      .enum(['acceptable', 'unacceptable'])
      .describe('Level for categories that are not defined in this policy at all.'),
    uncategorised: z
      .enum(['allow', 'block'])
      .describe('Sites in no list at all, for groups without their own setting.'),
    alertCategories: z
      .array(idSchema)
      .default([])
      .describe('Categories that stay allowed but raise an alert for the DSL when visited.'),
    note: note.optional(),
  })
  .describe('Filtering settings that the policy tables leave open.');
export type FilteringSettings = z.infer<typeof filteringSchema>;

// ---------------------------------------------------------------------------------------------
// User actions

export const USER_ACTION_LEVELS = [
  'acceptable',
  'acceptable-at-certain-times',
  'acceptable-for-nominated-users',
  'unacceptable',
  'unacceptable-and-illegal',
] as const;
export type UserActionLevel = (typeof USER_ACTION_LEVELS)[number];

export const USER_ACTION_LEVEL_LABELS: Readonly<Record<UserActionLevel, string>> = {
  acceptable: 'Acceptable',
  'acceptable-at-certain-times': 'Acceptable at certain times',
  'acceptable-for-nominated-users': 'Acceptable for nominated users',
  unacceptable: 'Unacceptable',
  'unacceptable-and-illegal': 'Unacceptable and illegal',
};

export const userActionLevelSchema = z
  .enum(USER_ACTION_LEVELS)
  .describe('One of the five levels of the User Actions table.');

export const userActionCellObjectSchema = z.strictObject({
  level: userActionLevelSchema,
  bands: z
    .array(idSchema)
    .optional()
    .describe('For `acceptable-at-certain-times`: the time band ids in which it is acceptable.'),
  nominated: z
    .array(idSchema)
    .optional()
    .describe('For `acceptable-for-nominated-users`: the nominated group ids.'),
  source: sourceSchema
    .optional()
    .describe('When this cell comes from a different section than its row.'),
  note: note.optional(),
});

export type UserActionCell = z.infer<typeof userActionCellObjectSchema>;

/** Written as a bare level or as an object; always an object once parsed. */
export const userActionCellSchema = z
  .union([userActionLevelSchema, userActionCellObjectSchema])
  .transform((cell): UserActionCell => (typeof cell === 'string' ? { level: cell } : cell))
  .describe(
    'A level, or `{ level, bands }` for acceptable at certain times, or `{ level, nominated }` for acceptable for nominated users.',
  );

export const userActionRowSchema = z
  .strictObject({
    id: idSchema,
    activity: text.describe('The activity, in the source policy’s words.'),
    items: z
      .array(text)
      .optional()
      .describe('When the activity is a list in the source ("for example: ..."), its items.'),
    categories: z
      .array(idSchema)
      .describe('Haven filter categories this row decides; empty for behaviours.'),
    enforced: z
      .boolean()
      .describe(
        'Whether the filter enforces the row (it maps to categories); `false` for behaviours a filter cannot see.',
      ),
    levels: z
      .record(idSchema, userActionCellSchema)
      .describe('One cell for every column group (age-stage, staff, visitor and guest groups).'),
    reason: text
      .optional()
      .describe('A sentence for the block page in place of the generated reason.'),
    source: sourceSchema,
    note: note.optional(),
  })
  .describe('A row of the User Actions table.')
  .meta({ id: 'PolicyUserActionRow' });
export type UserActionRowInput = z.input<typeof userActionRowSchema>;

export const userActionSectionSchema = z.strictObject({
  heading: text
    .optional()
    .describe('The lead-in text of a block of rows, e.g. "Users shall not visit Internet sites…".'),
  rows: z.array(userActionRowSchema).min(1, 'must have at least one row'),
});

export const userActionsSchema = z
  .strictObject({
    title: text,
    source: sourceSchema,
    sections: z.array(userActionSectionSchema).min(1, 'must have at least one section'),
  })
  .describe('The User Actions table: activities × user groups → level (POL-1).');

// ---------------------------------------------------------------------------------------------
// Communication technologies

export const STAFF_COMMUNICATION_LEVELS = [
  'allowed',
  'allowed-at-certain-times',
  'allowed-for-selected-staff',
  'not-allowed',
] as const;
export type StaffCommunicationLevel = (typeof STAFF_COMMUNICATION_LEVELS)[number];

export const PUPIL_COMMUNICATION_LEVELS = [
  'allowed',
  'allowed-at-certain-times',
  'allowed-with-staff-permission',
  'not-allowed',
] as const;
export type PupilCommunicationLevel = (typeof PUPIL_COMMUNICATION_LEVELS)[number];

export type CommunicationLevel = StaffCommunicationLevel | PupilCommunicationLevel;

export const COMMUNICATION_LEVEL_LABELS: Readonly<Record<CommunicationLevel, string>> = {
  allowed: 'Allowed',
  'allowed-at-certain-times': 'Allowed at certain times',
  'allowed-for-selected-staff': 'Allowed for selected staff',
  'allowed-with-staff-permission': 'Allowed with staff permission',
  'not-allowed': 'Not allowed',
};

const staffCommunicationLevelSchema = z.enum(STAFF_COMMUNICATION_LEVELS);
const pupilCommunicationLevelSchema = z.enum(PUPIL_COMMUNICATION_LEVELS);

export const staffCommunicationCellObjectSchema = z.strictObject({
  level: staffCommunicationLevelSchema,
  bands: z.array(idSchema).optional().describe('For `allowed-at-certain-times`: time band ids.'),
  selected: z
    .array(idSchema)
    .optional()
    .describe('For `allowed-for-selected-staff`: the nominated group ids.'),
  source: sourceSchema.optional(),
  note: note.optional(),
});
export type StaffCommunicationCell = z.infer<typeof staffCommunicationCellObjectSchema>;

export const pupilCommunicationCellObjectSchema = z.strictObject({
  level: pupilCommunicationLevelSchema,
  bands: z.array(idSchema).optional().describe('For `allowed-at-certain-times`: time band ids.'),
  source: sourceSchema.optional(),
  note: note.optional(),
});
export type PupilCommunicationCell = z.infer<typeof pupilCommunicationCellObjectSchema>;

export const communicationRowSchema = z
  .strictObject({
    id: idSchema,
    technology: text.describe('The technology or use, in the source policy’s words.'),
    staff: z
      .union([staffCommunicationLevelSchema, staffCommunicationCellObjectSchema])
      .transform((cell): StaffCommunicationCell =>
        typeof cell === 'string' ? { level: cell } : cell,
      )
      .optional()
      .describe('"Staff & other adults" column; absent when the source leaves it blank.'),
    pupils: z
      .union([pupilCommunicationLevelSchema, pupilCommunicationCellObjectSchema])
      .transform((cell): PupilCommunicationCell =>
        typeof cell === 'string' ? { level: cell } : cell,
      )
      .optional()
      .describe('"Students / Pupils" column; absent when the source leaves it blank.'),
    categories: z
      .array(idSchema)
      .optional()
      .describe(
        'Filter categories the row speaks about; Haven warns when the User Actions matrix disagrees.',
      ),
    source: sourceSchema,
    note: note.optional(),
  })
  .describe('A row of the Communication Technologies table.')
  .meta({ id: 'PolicyCommunicationRow' });

export const communicationsSchema = z
  .strictObject({
    title: text,
    source: sourceSchema,
    rows: z.array(communicationRowSchema).min(1, 'must have at least one row'),
  })
  .describe('The Communication Technologies table: staff & other adults vs pupils (POL-1).');

// ---------------------------------------------------------------------------------------------
// Mobile technologies

export const DEVICE_CLASSES = [
  'school-single-user',
  'school-multi-user',
  'authorised',
  'pupil-owned',
  'staff-owned',
  'visitor-owned',
] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export const DEVICE_CLASS_OWNERSHIP: Readonly<Record<DeviceClass, 'school' | 'personal'>> = {
  'school-single-user': 'school',
  'school-multi-user': 'school',
  authorised: 'school',
  'pupil-owned': 'personal',
  'staff-owned': 'personal',
  'visitor-owned': 'personal',
};

export const ALLOWED_IN_SCHOOL = ['allowed', 'with-permission', 'not-allowed'] as const;
export type AllowedInSchool = (typeof ALLOWED_IN_SCHOOL)[number];

export const NETWORK_ACCESS = ['full', 'internet-only', 'none'] as const;
export type NetworkAccess = (typeof NETWORK_ACCESS)[number];

export const NETWORK_ACCESS_LABELS: Readonly<Record<NetworkAccess, string>> = {
  full: 'Full network access',
  'internet-only': 'Internet only',
  none: 'No network access',
};

export const ALLOWED_IN_SCHOOL_LABELS: Readonly<Record<AllowedInSchool, string>> = {
  allowed: 'Yes',
  'with-permission': 'With permission',
  'not-allowed': 'No',
};

export const deviceRuleSchema = z
  .strictObject({
    class: z.enum(DEVICE_CLASSES).describe('Device ownership class.'),
    label: text.describe('Column heading in the source policy, e.g. "Student owned".'),
    allowedInSchool: z.enum(ALLOWED_IN_SCHOOL),
    networkAccess: z
      .enum(NETWORK_ACCESS)
      .describe(
        '`full`: the school network and the internet; `internet-only`: filtered internet, no school network; `none`.',
      ),
    source: sourceSchema,
    note: note.optional(),
  })
  .describe('A column of the Mobile Technologies table.')
  .meta({ id: 'PolicyDeviceRule' });

export const mobileTechnologiesSchema = z
  .strictObject({
    title: text,
    source: sourceSchema,
    devices: z.array(deviceRuleSchema).min(1, 'must have at least one device class'),
  })
  .describe('The Mobile Technologies table: device ownership class → access (POL-1, ENF-4).');

// ---------------------------------------------------------------------------------------------
// Sanctions

export const sanctionActionSchema = z.strictObject({
  id: idSchema,
  label: text.describe('Column heading, e.g. "Refer to Police".'),
});

export const sanctionIncidentSchema = z
  .strictObject({
    id: idSchema,
    incident: text.describe('The incident, in the source policy’s words.'),
    actions: z.array(idSchema).describe('The action (column) ids marked for this incident.'),
    source: sourceSchema,
    note: note.optional(),
  })
  .describe('A row of a sanctions table.');

export const sanctionsTableSchema = z
  .strictObject({
    title: text,
    source: sourceSchema,
    actions: z.array(sanctionActionSchema).min(1, 'must have at least one action column'),
    incidents: z.array(sanctionIncidentSchema).min(1, 'must have at least one incident'),
  })
  .describe('An Actions & Sanctions table: incident type → actions (POL-1, INC-5).')
  .meta({ id: 'PolicySanctionsTable' });

export const sanctionsSchema = z
  .strictObject({
    pupils: sanctionsTableSchema.optional(),
    staff: sanctionsTableSchema.optional(),
  })
  .describe('The pupil and staff Actions & Sanctions tables.');

// ---------------------------------------------------------------------------------------------
// The policy

export const policySchema = z
  .strictObject({
    schemaVersion: z.literal(POLICY_SCHEMA_VERSION).describe('Version of this format.'),
    metadata: metadataSchema,
    groups: z.array(groupSchema).min(1, 'must define at least one group'),
    categories: z.array(categorySchema).min(1, 'must define the filter categories'),
    timeBands: timeBandsSchema,
    filtering: filteringSchema,
    userActions: userActionsSchema,
    communications: communicationsSchema.optional(),
    mobileTechnologies: mobileTechnologiesSchema.optional(),
    sanctions: sanctionsSchema.optional(),
  })
  .describe('A school’s Online Safety Policy tables (Haven policy document).');

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type UserActions = Policy['userActions'];
export type UserActionSection = UserActions['sections'][number];
export type UserActionRow = UserActionSection['rows'][number];
export type Communications = NonNullable<Policy['communications']>;
export type CommunicationRow = Communications['rows'][number];
export type MobileTechnologies = NonNullable<Policy['mobileTechnologies']>;
export type DeviceRule = MobileTechnologies['devices'][number];
export type Sanctions = NonNullable<Policy['sanctions']>;
export type SanctionsTable = z.infer<typeof sanctionsTableSchema>;
export type SanctionAction = SanctionsTable['actions'][number];
export type SanctionIncident = SanctionsTable['incidents'][number];

/** Groups that are columns of the User Actions matrix (every kind but `nominated`). */
export function columnGroups(policy: Pick<Policy, 'groups'>): PolicyGroup[] {
  return policy.groups.filter((group) => group.kind !== 'nominated');
}

/** Every User Actions row, in table order. */
export function userActionRows(policy: Pick<Policy, 'userActions'>): UserActionRow[] {
  return policy.userActions.sections.flatMap((section) => section.rows);
}

/**
 * The JSON Schema of the policy document (draft 2020-12), as published in
 * `docs/policy.schema.json`. It describes what a file may contain (the input form: optional
 * fields with defaults may be left out); cross-references are checked by Haven itself.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policySchema, { io: 'input', target: 'draft-2020-12' });
  return { ...schema, title: 'Haven online safety policy document' };
}
