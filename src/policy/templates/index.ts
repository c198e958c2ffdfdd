import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withGroup } from '../document/policy-edit.ts';
import type { Policy } from '../document/policy-schema.ts';
import {
  formatPolicyProblems,
  parsePolicyYaml,
  type PolicyProblem,
} from '../document/policy-yaml.ts';

/**
 * The policy templates Haven ships: the two seed policies, encoded table by table in
 * `roundwood.yaml` (a primary school) and `crosfields.yaml` (an independent school). A school
 * starts from one of them and edits it; the demo school uses Roundwood.
 */

export const TEMPLATE_IDS = ['roundwood', 'crosfields'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface TemplateInfo {
  readonly id: TemplateId;
  readonly school: string;
  readonly description: string;
}

const DESCRIPTIONS: Readonly<Record<TemplateId, string>> = {
  roundwood:
    'A primary school (EYFS to Key Stage 2): User Actions, Communication Technologies, Mobile Technologies and pupil and staff Sanctions tables.',
  crosfields:
    'An independent school (EYFS to sixth form): the User Actions table, with nominated users (Director of Digital Strategy, DSL) for inappropriate material.',
};

export class TemplateError extends Error {
  readonly problems: readonly PolicyProblem[];
  constructor(id: string, problems: readonly PolicyProblem[]) {
    super(`The policy template "${id}" is not valid:\n${formatPolicyProblems(problems)}`);
    this.name = 'TemplateError';
    this.problems = problems;
  }
}

export function isTemplateId(value: string): value is TemplateId {
  return TEMPLATE_IDS.some((id) => id === value);
}

/** Absolute path of a template file. */
export function templatePath(id: TemplateId): string {
  return fileURLToPath(new URL(`./${id}.yaml`, import.meta.url));
}

/** The template's YAML text, as shipped. */
export function readTemplate(id: TemplateId): string {
  return readFileSync(templatePath(id), 'utf8');
}

/** The template as a validated policy; throws `TemplateError` if the file has been broken. */
export function loadTemplate(id: TemplateId): Policy {
  const result = parsePolicyYaml(readTemplate(id), `${id}.yaml`);
  if (!result.ok) throw new TemplateError(id, result.problems);
  return result.policy;
}

export function listTemplates(): TemplateInfo[] {
  return TEMPLATE_IDS.map((id) => ({
    id,
    school: loadTemplate(id).metadata.school,
    description: DESCRIPTIONS[id],
  }));
}

export const DEMO_SCHOOL_NAME = 'Roundwood Demo School';

/**
 * The demo school's policy: the Roundwood tables, with the secondary stages added so that the
 * demo has every group of the design (`eyfs` … `sixth-form`, `staff`, `visitors`, `guests` and
 * the nominated group `safeguarding-checkers`). The new stages start from Key Stage 2's cells:
 * the Roundwood User Actions table does not distinguish between pupils of different ages.
 */
export function demoSchoolPolicy(): Policy {
  const roundwood = loadTemplate('roundwood');
  const note =
    'Added for the demo school, which has every key stage; its cells are copied from Key Stage 2.';
  let policy: Policy = {
    ...roundwood,
    metadata: {
      ...roundwood.metadata,
      school: DEMO_SCHOOL_NAME,
      note: `Demo school. ${roundwood.metadata.note ?? ''}`.trim(),
    },
  };
  const stages = [
    { id: 'ks3', label: 'Key Stage 3', description: 'Pupils in Years 7 to 9.', after: 'ks2' },
    { id: 'ks4', label: 'Key Stage 4', description: 'Pupils in Years 10 and 11.', after: 'ks3' },
    {
      id: 'sixth-form',
      label: 'Sixth form',
      description: 'Pupils in Years 12 and 13.',
      after: 'ks4',
    },
  ];
  for (const stage of stages) {
    policy = withGroup(
      policy,
      { id: stage.id, label: stage.label, kind: 'age-stage', description: stage.description, note },
      { after: stage.after, copyLevelsFrom: 'ks2' },
    );
  }
  return withNominatedCheckers(policy);
}

/** Rows whose staff cell the demo school opens to its nominated checkers. */
const CHECKED_ROWS = ['pornography', 'gambling', 'drugs'];

/**
 * The demo school names its DSL a "safeguarding checker": a nominated user who may open a
 * pornography, gambling or drugs site to check it (Roundwood, "Responding to incidents of
 * misuse": "the relevant staff should have appropriate internet access to conduct the procedure";
 * Crosfields marks such material "acceptable for nominated users"). Every such visit is allowed
 * with an alert; everyone else stays blocked.
 */
function withNominatedCheckers(policy: Policy): Policy {
  const source = { seed: 'crosfields' as const, section: 'User Actions' };
  return {
    ...policy,
    userActions: {
      ...policy.userActions,
      sections: policy.userActions.sections.map((section) => ({
        ...section,
        rows: section.rows.map((row) =>
          CHECKED_ROWS.includes(row.id)
            ? {
                ...row,
                levels: {
                  ...row.levels,
                  staff: {
                    level: 'acceptable-for-nominated-users' as const,
                    nominated: ['safeguarding-checkers'],
                    source,
                    note: 'Demo school: nominated checkers (the DSL) may open such sites to check a report; each visit raises an alert.',
                  },
                },
              }
            : row,
        ),
      })),
    },
  };
}
