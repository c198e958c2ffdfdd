/**
 * The policy's incident flowchart as a pure workflow (INC-2, INC-3, INC-5): plain data in, the
 * next step out, with the reason quoted from the school's policy. No I/O and no clock.
 *
 * Suspected illegal activity → refer to the police (and CEOP) at once, isolate the device, and do
 * not investigate; for child sexual abuse material nothing is captured at all. Otherwise → an
 * investigation by at least two named senior staff on a designated device, the URLs and the
 * nature of the content recorded, evidence attached, a judgement of substance signed off by both,
 * and the actions (internal response or discipline, trust/LA, police) with sanctions suggested
 * by the policy's tables, feedback to those involved, support and learning for the Online Safety
 * Group.
 */

export interface IncidentCategory {
  readonly id: string;
  readonly label: string;
  /** Illegal activity is suspected unless the DSL decides otherwise. */
  readonly illegalByDefault: boolean;
  /** The sanctions-table row this category usually corresponds to (either table). */
  readonly sanctionsRow: string | null;
}

/** The seeds' escalation list (Crosfields "Reporting and responding"), then inappropriate use. */
export const incidentCategories: readonly IncidentCategory[] = [
  {
    id: 'non-consensual-images',
    label: 'Non-consensual images',
    illegalByDefault: true,
    sanctionsRow: 'illegal-material',
  },
  {
    id: 'self-generated-images',
    label: 'Self-generated images',
    illegalByDefault: false,
    sanctionsRow: null,
  },
  {
    id: 'terrorism-extremism',
    label: 'Terrorism / extremism',
    illegalByDefault: true,
    sanctionsRow: 'illegal-material',
  },
  {
    id: 'hate-crime-abuse',
    label: 'Hate crime / abuse',
    illegalByDefault: false,
    sanctionsRow: 'offensive-messages',
  },
  {
    id: 'fraud-extortion',
    label: 'Fraud and extortion',
    illegalByDefault: true,
    sanctionsRow: 'illegal-material',
  },
  {
    id: 'harassment-stalking',
    label: 'Harassment / stalking',
    illegalByDefault: false,
    sanctionsRow: 'offensive-messages',
  },
  {
    id: 'csam',
    label: 'Child sexual abuse material (CSAM)',
    illegalByDefault: true,
    sanctionsRow: 'illegal-material',
  },
  {
    id: 'cse-grooming',
    label: 'Child sexual exploitation / grooming',
    illegalByDefault: true,
    sanctionsRow: 'illegal-material',
  },
  {
    id: 'extreme-pornography',
    label: 'Extreme pornography',
    illegalByDefault: true,
    sanctionsRow: 'illegal-material',
  },
  {
    id: 'illegal-sales',
    label: 'Sale of illegal materials / substances',
    illegalByDefault: true,
    sanctionsRow: 'illegal-material',
  },
  {
    id: 'computer-misuse',
    label: 'Cyber or hacking offences (Computer Misuse Act)',
    illegalByDefault: false,
    sanctionsRow: 'subverting-filtering',
  },
  {
    id: 'copyright-theft',
    label: 'Copyright theft or piracy',
    illegalByDefault: false,
    sanctionsRow: 'copyright-or-data-protection',
  },
  {
    id: 'inappropriate-use',
    label: 'Inappropriate use (not illegal): see the sanctions tables',
    illegalByDefault: false,
    sanctionsRow: null,
  },
];

export const fourCs = ['content', 'contact', 'conduct', 'commerce'] as const;
export type FourC = (typeof fourCs)[number];
export const fourCLabels: Readonly<Record<FourC, string>> = {
  content: 'Content',
  contact: 'Contact',
  conduct: 'Conduct',
  commerce: 'Commerce',
};

export const actionKinds = ['internal-response', 'discipline', 'trust-or-la', 'police'] as const;
export type ActionKind = (typeof actionKinds)[number];
export const actionLabels: Readonly<Record<ActionKind, string>> = {
  'internal-response': 'Internal response',
  discipline: 'Discipline procedures',
  'trust-or-la': 'Local Authority / trust involvement',
  police: 'Police involvement and/or action',
};

/** Senior staff who may investigate and sign off (the seeds: "more than one senior member of staff"). */
export const seniorRoles = ['dsl', 'deputy-dsl', 'head', 'online-safety-lead'] as const;
/** For a concern about the head, the chair of governors takes the head's place. */
export const seniorRolesForHeadConcern = [...seniorRoles, 'chair-of-governors'] as const;

export function categoryOf(id: string | null): IncidentCategory | undefined {
  return incidentCategories.find((c) => c.id === id);
}

export function isCategory(id: string): boolean {
  return categoryOf(id) !== undefined;
}

/** What the workflow needs to know about an incident: plain facts, no database rows. */
export interface IncidentFacts {
  readonly category: string | null;
  readonly suspectedIllegal: boolean | null;
  readonly status: 'open' | 'closed';
  /** Agencies referred to so far ('police', 'ceop', 'lado', …) with whether a reference was kept. */
  readonly referrals: readonly { agency: string; reference: string | null }[];
  readonly deviceIsolated: boolean;
  readonly investigators: readonly { signedOff: boolean }[];
  readonly designatedDevice: string | null;
  readonly urls: readonly string[];
  readonly contentNature: string | null;
  readonly judgement: 'substance' | 'no-substance' | null;
  readonly actionsTaken: readonly string[];
  readonly sanctionsRecorded: number;
  readonly feedback: string | null;
  readonly support: string | null;
  readonly concernAbout: 'pupils' | 'staff' | 'head';
}

export type StepId =
  | 'classify'
  | 'refer-police'
  | 'isolate-device'
  | 'police-outcome'
  | 'lado'
  | 'investigators'
  | 'investigate'
  | 'judge'
  | 'sign-off'
  | 'actions'
  | 'feedback'
  | 'close'
  | 'closed';

export interface PolicyQuote {
  readonly text: string;
  /** "Roundwood School policy, Responding to incidents of misuse". */
  readonly source: string;
}

export interface NextStep {
  readonly step: StepId;
  /** What to do now, in the DSL's words. */
  readonly title: string;
  /** Why this is the next step. */
  readonly why: string;
  readonly quote: PolicyQuote;
  /** Whether the illegal (right-hand) side of the flowchart applies. */
  readonly illegalRoute: boolean;
}

export type PolicyTemplate = 'roundwood' | 'crosfields';

interface Quotes {
  illegal: PolicyQuote;
  csam: PolicyQuote;
  isolate: PolicyQuote;
  investigators: PolicyQuote;
  device: PolicyQuote;
  record: PolicyQuote;
  judge: PolicyQuote;
  feedback: PolicyQuote;
  staff: PolicyQuote;
  classify: PolicyQuote;
}

const roundwood = (text: string, section = 'Responding to incidents of misuse'): PolicyQuote => ({
  text,
  source: `Roundwood School Online Safety Policy, “${section}”`,
});
const crosfields = (text: string, section = 'Reporting and responding'): PolicyQuote => ({
  text,
  source: `Crosfields School Online Safety Policy, “${section}”`,
});

/** The policy's own words for each step, per template (the demo school uses Roundwood's). */
export const policyQuotes: Readonly<Record<PolicyTemplate, Quotes>> = {
  roundwood: {
    classify: roundwood(
      'Incidents might involve illegal or inappropriate activities (see “User Actions” above).',
    ),
    illegal: roundwood(
      'If there is any suspicion that the web site(s) concerned may contain child abuse images, or if there is any other suspected illegal activity, refer to the right hand side of the Flowchart (appendix) for responding to online safety incidents and report immediately to the police.',
      'Illegal Incidents',
    ),
    csam: roundwood(
      'If content being reviewed includes images of Child abuse then the monitoring should be halted and referred to the Police immediately.',
    ),
    isolate: roundwood(
      'Isolate the computer in question as best you can. Any change to its state may hinder a later police investigation.',
    ),
    investigators: roundwood(
      'Have more than one senior member of staff / volunteer involved in this process. This is vital to protect individuals if accusations are subsequently reported.',
      'Other Incidents',
    ),
    device: roundwood(
      'Conduct the procedure using a designated computer that will not be used by young people and if necessary can be taken off site by the police should the need arise. Use the same computer for the duration of the procedure.',
      'Other Incidents',
    ),
    record: roundwood(
      'Record the URL of any site containing the alleged misuse and describe the nature of the content causing concern.',
      'Other Incidents',
    ),
    judge: roundwood(
      'Once this has been completed and fully investigated the group will need to judge whether this concern has substance or not. If it does then appropriate action will be required and could include the following: Internal response or discipline procedures; Involvement by Local Authority / Academy Group or national / local organisation (as relevant); Police involvement and/or action.',
      'Other Incidents',
    ),
    feedback: roundwood(
      'It is important that any incidents are dealt with as soon as possible in a proportionate manner, and that members of the school community are aware that incidents have been dealt with.',
      'Roundwood School Actions & Sanctions',
    ),
    staff: roundwood(
      'The Headteacher and another member of the Senior Leadership Team should be aware of the procedures to be followed in the event of a serious online safety allegation being made against a member of staff.',
      'Roles and Responsibilities',
    ),
  },
  crosfields: {
    classify: crosfields(
      'If there is any suspicion that the incident involves any illegal activity or the potential for serious harm, the incident must be escalated through the agreed school safeguarding procedures.',
    ),
    illegal: crosfields(
      'If there is any suspicion that the incident involves any illegal activity or the potential for serious harm, the incident must be escalated through the agreed school safeguarding procedures.',
    ),
    csam: crosfields(
      'Where there is no suspected illegal activity, devices may be checked using the following procedures.',
    ),
    isolate: crosfields(
      'Conduct the procedure using a designated device that will not be used by pupils and, if necessary, can be taken off site by the police should the need arise (should illegal activity be subsequently suspected).',
    ),
    investigators: crosfields(
      'One or more SLT members should be involved in this process. This is vital to protect individuals if accusations are subsequently reported.',
    ),
    device: crosfields(
      'Conduct the procedure using a designated device that will not be used by pupils and, if necessary, can be taken off site by the police should the need arise (should illegal activity be subsequently suspected). Use the same device for the duration of the procedure.',
    ),
    record: crosfields(
      'Record the URL of any site containing the alleged misuse and describe the nature of the content causing concern.',
    ),
    judge: crosfields(
      'Once this has been completed and fully investigated the group will need to judge whether this concern has substance or not. If it does, then appropriate action will be required and could include the following: internal response or discipline procedures; police involvement and/or action.',
    ),
    feedback: crosfields(
      'Those involved in the incident will be provided with feedback about the outcome of the investigation and follow up actions.',
    ),
    staff: crosfields(
      'Any concern about staff misuse will be reported to the Head, unless the concern involves the Head, in which case the complaint is referred to the Chair of Governors.',
    ),
  },
};

export function templateOf(value: string | null | undefined): PolicyTemplate {
  return value === 'crosfields' ? 'crosfields' : 'roundwood';
}

const policeAgencies = new Set(['police', 'ceop']);

/** Whether the illegal (right-hand) side of the flowchart applies: CSAM always does. */
export function isIllegalRoute(
  facts: Pick<IncidentFacts, 'category' | 'suspectedIllegal'>,
): boolean {
  return facts.category === 'csam' || facts.suspectedIllegal === true;
}

/** Evidence may be attached only on the investigation side, and never for CSAM. */
export function evidenceAllowed(
  facts: Pick<IncidentFacts, 'category' | 'suspectedIllegal'>,
): { allowed: true } | { allowed: false; reason: string } {
  if (facts.category === 'csam') {
    return {
      allowed: false,
      reason:
        'This incident is about child sexual abuse material: no copy, screenshot or file of it may be made or stored. Refer it to the police and CEOP and isolate the device.',
    };
  }
  if (facts.suspectedIllegal === true) {
    return {
      allowed: false,
      reason:
        'Illegal activity is suspected: the school does not investigate or capture evidence. Refer it to the police, who will collect the evidence.',
    };
  }
  return { allowed: true };
}

/** The next step of the flowchart for these facts, and why, in the policy's words. */
export function nextStep(facts: IncidentFacts, template: PolicyTemplate = 'roundwood'): NextStep {
  const q = policyQuotes[template];
  const illegalRoute = isIllegalRoute(facts);
  const step = (s: StepId, title: string, why: string, quote: PolicyQuote): NextStep => ({
    step: s,
    title,
    why,
    quote,
    illegalRoute,
  });
  if (facts.status === 'closed') {
    return step('closed', 'Closed', 'The incident has been dealt with and closed.', q.feedback);
  }
  if (facts.category === null || (facts.suspectedIllegal === null && facts.category !== 'csam')) {
    return step(
      'classify',
      'Classify the incident',
      'Choose its category and the 4Cs, and say whether illegal activity is suspected: that decides which side of the flowchart applies.',
      q.classify,
    );
  }
  if (illegalRoute) {
    const referred = facts.referrals.some(
      (r) => policeAgencies.has(r.agency) && r.reference !== null && r.reference !== '',
    );
    if (!referred) {
      return step(
        'refer-police',
        facts.category === 'csam'
          ? 'Refer to the police and CEOP now, and record the reference'
          : 'Refer to the police now, and record the reference',
        facts.category === 'csam'
          ? 'Suspected child sexual abuse material: stop, do not look further, capture nothing, and report it to the police at once.'
          : 'Illegal activity is suspected: the school reports it to the police at once and does not investigate itself.',
        facts.category === 'csam' ? q.csam : q.illegal,
      );
    }
    if (!facts.deviceIsolated) {
      return step(
        'isolate-device',
        'Isolate the device',
        'Keep the device as it is for the police: do not switch it off, open files or change it.',
        q.isolate,
      );
    }
    if (facts.concernAbout !== 'pupils' && !facts.referrals.some((r) => r.agency === 'lado')) {
      return step(
        'lado',
        'Record the referral to the LADO',
        'The concern is about a member of staff: the Local Authority Designated Officer must be told.',
        q.staff,
      );
    }
    if (facts.feedback === null || facts.feedback === '') {
      return step(
        'police-outcome',
        'Record what the police decided and the feedback given',
        'The police lead from here; record their outcome, the support offered and what those involved were told.',
        q.feedback,
      );
    }
    return step(
      'close',
      'Record learning and close',
      'Everything the flowchart asks for is recorded: note learning for the Online Safety Group, then close.',
      q.feedback,
    );
  }
  if (facts.concernAbout !== 'pupils' && !facts.referrals.some((r) => r.agency === 'lado')) {
    return step(
      'lado',
      'Record the referral to the LADO',
      'The concern is about a member of staff: record the referral to (or the advice of) the Local Authority Designated Officer before investigating.',
      q.staff,
    );
  }
  if (facts.investigators.length < 2) {
    return step(
      'investigators',
      'Name two senior members of staff to investigate',
      `At least two senior staff must take part; ${facts.investigators.length === 0 ? 'none is named yet' : 'one is named so far'}.`,
      q.investigators,
    );
  }
  if (
    facts.designatedDevice === null ||
    facts.designatedDevice === '' ||
    facts.urls.length === 0 ||
    facts.contentNature === null ||
    facts.contentNature === ''
  ) {
    return step(
      'investigate',
      'Record the designated device, the URLs and the nature of the content',
      'The investigation is carried out on one designated device; every site containing the alleged misuse is recorded, with a description of the content.',
      facts.designatedDevice ? q.record : q.device,
    );
  }
  if (facts.judgement === null) {
    return step(
      'judge',
      'Judge whether the concern has substance',
      'The investigation is recorded: the investigators now judge whether the concern has substance.',
      q.judge,
    );
  }
  if (facts.investigators.some((i) => !i.signedOff)) {
    const waiting = facts.investigators.filter((i) => !i.signedOff).length;
    return step(
      'sign-off',
      'Both investigators sign off the judgement',
      `${waiting} of ${facts.investigators.length} investigators ${waiting === 1 ? 'has' : 'have'} still to sign off the judgement.`,
      q.investigators,
    );
  }
  if (facts.judgement === 'substance' && facts.actionsTaken.length === 0) {
    return step(
      'actions',
      'Record the actions and sanctions',
      'The concern has substance: appropriate action is required. The sanctions table suggests actions for the incident and each person’s role.',
      q.judge,
    );
  }
  if (
    facts.feedback === null ||
    facts.feedback === '' ||
    facts.support === null ||
    facts.support === ''
  ) {
    return step(
      'feedback',
      'Record the feedback to those involved and the support offered',
      'Those involved are told the outcome, and support is offered to those affected.',
      q.feedback,
    );
  }
  return step(
    'close',
    'Record learning and close',
    'Everything the flowchart asks for is recorded: note learning for the Online Safety Group, then close.',
    q.feedback,
  );
}

/** The outcome as counted in the governors' report (no names). */
export function outcomeOf(
  facts: Pick<IncidentFacts, 'category' | 'suspectedIllegal' | 'status' | 'judgement'>,
): string {
  if (isIllegalRoute(facts)) return 'Referred to police / CEOP';
  if (facts.judgement === 'substance') return 'Concern upheld: action taken';
  if (facts.judgement === 'no-substance') return 'No substance found';
  return facts.status === 'closed' ? 'Closed without judgement' : 'Open';
}

/** Whether the incident may be closed now (the step is 'close'). */
export function canClose(facts: IncidentFacts): { ok: true } | { ok: false; reason: string } {
  const next = nextStep(facts);
  if (next.step === 'close') return { ok: true };
  if (next.step === 'closed') return { ok: false, reason: 'The incident is already closed.' };
  return { ok: false, reason: `Not yet: ${next.title.toLowerCase()} first. ${next.why}` };
}

/** The part of the policy's sanctions tables the suggestions need. */
export interface SanctionsTableData {
  readonly actions: readonly { id: string; label: string }[];
  readonly incidents: readonly { id: string; incident: string; actions: readonly string[] }[];
}

export interface SanctionSuggestion {
  readonly table: 'pupils' | 'staff';
  readonly policyIncident: string;
  readonly incident: string;
  readonly actions: readonly { id: string; label: string; suggested: boolean }[];
}

/**
 * The actions the policy's table marks for this incident type and person: pupils' table for a
 * pupil, staff table for a member of staff. Every column is returned, the marked ones suggested,
 * so the DSL can still choose another action (and the record says it was not suggested).
 */
export function suggestSanctions(
  tables: { pupils?: SanctionsTableData | undefined; staff?: SanctionsTableData | undefined },
  personKind: 'pupil' | 'staff' | 'other',
  incidentType: string | null,
): SanctionSuggestion | null {
  if (personKind === 'other' || incidentType === null) return null;
  const table = personKind === 'pupil' ? tables.pupils : tables.staff;
  if (!table) return null;
  const row = table.incidents.find((i) => i.id === incidentType);
  if (!row) return null;
  return {
    table: personKind === 'pupil' ? 'pupils' : 'staff',
    policyIncident: row.id,
    incident: row.incident,
    actions: table.actions.map((a) => ({
      id: a.id,
      label: a.label,
      suggested: row.actions.includes(a.id),
    })),
  };
}

/** The incident type (sanctions row) to preselect for a category. */
export function defaultIncidentType(
  category: string | null,
  tables: { pupils?: SanctionsTableData | undefined; staff?: SanctionsTableData | undefined },
): string | null {
  const row = categoryOf(category)?.sanctionsRow ?? null;
  if (row === null) return null;
  const known = [...(tables.pupils?.incidents ?? []), ...(tables.staff?.incidents ?? [])].some(
    (i) => i.id === row,
  );
  return known ? row : null;
}
