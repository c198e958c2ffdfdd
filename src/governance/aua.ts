import type { Kysely } from 'kysely';
import type { Actor, AuditActor } from '../access/actor.ts';
import { actorRef } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import {
  auaAudienceLabels,
  auaAudiences,
  auaAudiencesOf,
  currentAuaVersion,
} from '../filtering/aua-safe-list.ts';
import { normaliseTarget } from '../filtering/local-entries.ts';
import {
  findAuaSettings,
  findAuaVersion,
  insertAuaSignature,
  insertAuaVersion,
  listAuaPeople,
  listAuaSignatures,
  listAuaVersions,
  listGroupMemberships,
  lockAuaAudience,
  nextAuaNumber,
  saveAuaSettings,
  type AuaPerson,
} from '../store/aua-repository.ts';
import { recordFilterChange } from '../store/filter-change-repository.ts';
import type {
  AuaAudience,
  AuaSettings,
  AuaSignature,
  AuaVersion,
  Database,
} from '../store/schema.ts';
import { findUserById } from '../store/user-repository.ts';

/**
 * Acceptable use agreements (GOV-4): publishing versions per audience, signing in the app,
 * completion, reminders, and the setting that keeps people who have not signed on a safe list.
 */

export interface AuaCompletionRow {
  audience: AuaAudience;
  label: string;
  /** The version in force, or null when none has been published yet. */
  version: { id: string; number: number; title: string; effectiveFrom: Date } | null;
  signed: number;
  due: number;
}

export interface AuaGroupCompletion {
  slug: string;
  name: string;
  signed: number;
  due: number;
}

export interface AuaOutstanding {
  userId: string;
  name: string;
  email: string | null;
  audience: AuaAudience;
  versionId: string;
}

export interface AuaCompletion {
  byAudience: AuaCompletionRow[];
  byGroup: AuaGroupCompletion[];
  outstanding: AuaOutstanding[];
}

/**
 * Completion at `at`, from plain data: for each audience, everyone who must sign the version in
 * force (due) and those who have signed it; the same per group (a person counts once per
 * agreement they must sign); and who has still to sign.
 */
export function computeAuaCompletion(
  people: readonly AuaPerson[],
  versions: readonly AuaVersion[],
  signatures: readonly Pick<AuaSignature, 'user_id' | 'version_id'>[],
  memberships: readonly { user_id: string; slug: string; name: string }[],
  at: Date,
): AuaCompletion {
  const signed = new Set(signatures.map((s) => `${s.user_id} ${s.version_id}`));
  const current = new Map<AuaAudience, AuaVersion>();
  for (const audience of auaAudiences) {
    const v = currentAuaVersion(versions, audience, at);
    if (v) current.set(audience, v);
  }
  const rows = new Map<AuaAudience, AuaCompletionRow>(
    auaAudiences.map((audience) => {
      const v = current.get(audience);
      return [
        audience,
        {
          audience,
          label: auaAudienceLabels[audience],
          version: v
            ? {
                id: v.id,
                number: v.number,
                title: v.title,
                effectiveFrom: new Date(v.effective_from),
              }
            : null,
          signed: 0,
          due: 0,
        },
      ];
    }),
  );
  const groupsOf = new Map<string, { slug: string; name: string }[]>();
  for (const m of memberships) {
    const list = groupsOf.get(m.user_id) ?? [];
    list.push({ slug: m.slug, name: m.name });
    groupsOf.set(m.user_id, list);
  }
  const groups = new Map<string, AuaGroupCompletion>();
  const outstanding: AuaOutstanding[] = [];
  for (const person of people) {
    for (const audience of auaAudiencesOf(person)) {
      const v = current.get(audience);
      const row = rows.get(audience);
      if (!v || !row) continue;
      const done = signed.has(`${person.id} ${v.id}`);
      row.due += 1;
      if (done) row.signed += 1;
      else {
        outstanding.push({
          userId: person.id,
          name: person.display_name,
          email: person.email,
          audience,
          versionId: v.id,
        });
      }
      for (const g of groupsOf.get(person.id) ?? []) {
        const entry = groups.get(g.slug) ?? { slug: g.slug, name: g.name, signed: 0, due: 0 };
        entry.due += 1;
        if (done) entry.signed += 1;
        groups.set(g.slug, entry);
      }
    }
  }
  return {
    byAudience: [...rows.values()],
    byGroup: [...groups.values()].sort((a, b) => a.name.localeCompare(b.name)),
    outstanding,
  };
}

/** A whole percentage, or null when nobody is due. */
export function percentSigned(signed: number, due: number): number | null {
  return due === 0 ? null : Math.floor((signed / due) * 100);
}

export async function auaCompletion(
  db: Kysely<Database>,
  schoolId: string,
  at: Date,
): Promise<AuaCompletion> {
  const [people, versions, signatures, memberships] = await Promise.all([
    listAuaPeople(db, schoolId),
    listAuaVersions(db, schoolId),
    listAuaSignatures(db, schoolId),
    listGroupMemberships(db, schoolId),
  ]);
  return computeAuaCompletion(people, versions, signatures, memberships, at);
}

function actorIds(actor: AuditActor): { actorId: string | null; actorLabel: string } {
  const { id, label } = actorRef(actor);
  return { actorId: id, actorLabel: label };
}

export interface NewAuaVersion {
  schoolId: string;
  audience: AuaAudience;
  title: string;
  body: string;
  effectiveFrom: Date;
  changeNote: string;
}

/** Publish a new version: everyone in its audience must sign it from its effective date. */
export async function publishAuaVersion(
  db: Kysely<Database>,
  input: NewAuaVersion,
  deps: { actor: AuditActor; now: Date },
): Promise<AuaVersion> {
  const { actorId, actorLabel } = actorIds(deps.actor);
  return db.transaction().execute(async (trx) => {
    await lockAuaAudience(trx, input.schoolId, input.audience);
    const number = await nextAuaNumber(trx, input.schoolId, input.audience);
    const version = await insertAuaVersion(trx, {
      ...input,
      number,
      publishedBy: actorId,
      now: deps.now,
    });
    await audit(
      trx,
      deps.actor,
      {
        action: 'aua.published',
        subjectType: 'aua-version',
        subjectId: version.id,
        schoolId: input.schoolId,
        detail: {
          audience: input.audience,
          number,
          effectiveFrom: input.effectiveFrom.toISOString(),
          changeNote: input.changeNote,
        },
      },
      deps.now,
    );
    const settings = await findAuaSettings(trx, input.schoolId);
    if (settings?.safe_list_enabled) {
      await recordFilterChange(
        trx,
        {
          schoolId: input.schoolId,
          actorId,
          actorLabel,
          kind: 'aua.published',
          summary: `Published version ${number} of the ${auaAudienceLabels[input.audience].toLowerCase()} acceptable use agreement: people who have not signed it are kept on the safe list from ${input.effectiveFrom.toISOString().slice(0, 10)}`,
          detail: { versionId: version.id, audience: input.audience, number },
        },
        deps.now,
      );
    }
    return version;
  });
}

export interface MyAgreement {
  audience: AuaAudience;
  label: string;
  version: AuaVersion;
  /** True when this version is already in force (false: published for a later date). */
  inForce: boolean;
  signedAt: Date | null;
}

/** The agreements this person must sign: the version in force and any published for later. */
export async function agreementsFor(
  db: Kysely<Database>,
  actor: Actor,
  at: Date,
): Promise<MyAgreement[]> {
  if (!actor.schoolId) return [];
  const user = await findUserById(db, actor.userId);
  if (!user) return [];
  const [versions, signatures] = await Promise.all([
    listAuaVersions(db, actor.schoolId),
    listAuaSignatures(db, actor.schoolId, actor.userId),
  ]);
  const signedAt = new Map(signatures.map((s) => [s.version_id, new Date(s.signed_at)]));
  const out: MyAgreement[] = [];
  for (const audience of auaAudiencesOf(user)) {
    const current = currentAuaVersion(versions, audience, at);
    const later = versions.filter(
      (v) =>
        v.audience === audience &&
        new Date(v.effective_from).getTime() > at.getTime() &&
        (current === undefined || v.number > current.number),
    );
    for (const v of [...(current ? [current] : []), ...later.sort((a, b) => a.number - b.number)]) {
      out.push({
        audience,
        label: auaAudienceLabels[audience],
        version: v,
        inForce: v === current,
        signedAt: signedAt.get(v.id) ?? null,
      });
    }
  }
  return out;
}

/**
 * Sign a version: the person must be in its audience, and it must be the version in force or
 * one published for later. Signing twice is refused. When the school keeps people who have not
 * signed on a safe list, the filter hears of it at once (filter change + NOTIFY).
 */
export async function signAua(
  db: Kysely<Database>,
  actor: Actor,
  versionId: string,
  typedName: string,
  now: Date,
): Promise<AuaSignature> {
  const version = await findAuaVersion(db, versionId);
  if (!version || version.school_id !== actor.schoolId) {
    throw new HavenError('HAVEN_NOT_FOUND', 'No such acceptable use agreement.');
  }
  const mine = await agreementsFor(db, actor, now);
  if (!mine.some((a) => a.version.id === version.id)) {
    throw new HavenError(
      'HAVEN_CONFLICT',
      'This agreement is not one for you to sign (another audience, or a version that has been replaced).',
    );
  }
  const name = typedName.trim().replace(/\s+/g, ' ');
  if (name.toLowerCase() !== actor.displayName.trim().replace(/\s+/g, ' ').toLowerCase()) {
    throw new HavenError('HAVEN_VALIDATION', 'Type your name as it appears on your account.', {
      errors: [{ path: 'typedName', message: `type "${actor.displayName}" to sign` }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const signature = await insertAuaSignature(trx, {
      schoolId: version.school_id,
      versionId: version.id,
      userId: actor.userId,
      typedName: name,
      now,
    });
    if (!signature) throw new HavenError('HAVEN_CONFLICT', 'You have already signed this version.');
    await audit(
      trx,
      actor,
      {
        action: 'aua.signed',
        subjectType: 'aua-version',
        subjectId: version.id,
        schoolId: version.school_id,
        detail: { audience: version.audience, number: version.number },
      },
      now,
    );
    const settings = await findAuaSettings(trx, version.school_id);
    if (settings?.safe_list_enabled) {
      await recordFilterChange(
        trx,
        {
          schoolId: version.school_id,
          actorId: actor.userId,
          actorLabel: actor.username,
          kind: 'aua.signed',
          summary: `Signed version ${version.number} of the ${auaAudienceLabels[version.audience].toLowerCase()} acceptable use agreement: the safe list no longer holds them once they are up to date`,
          detail: { versionId: version.id },
        },
        now,
      );
    }
    return signature;
  });
}

/** The most hosts a school's safe list may hold: it is a short list, not a second filter. */
export const MAX_SAFE_HOSTS = 25;

export async function updateAuaSettings(
  db: Kysely<Database>,
  input: {
    schoolId: string;
    safeListEnabled: boolean;
    safeHosts: readonly string[];
    appHost: string | null;
  },
  deps: { actor: AuditActor; now: Date },
): Promise<AuaSettings> {
  const hosts: string[] = [];
  const errors: { path: string; message: string }[] = [];
  input.safeHosts.forEach((raw, i) => {
    const host = normaliseTarget(raw);
    if (!host) {
      errors.push({
        path: `safeHosts.${i}`,
        message: `"${raw}" is not a host name or URL: give a host such as bbc.co.uk/bitesize`,
      });
    } else if (!hosts.includes(host)) hosts.push(host);
  });
  if (hosts.length > MAX_SAFE_HOSTS) {
    errors.push({
      path: 'safeHosts',
      message: `keep the safe list short: at most ${MAX_SAFE_HOSTS} hosts`,
    });
  }
  if (errors.length > 0) {
    throw new HavenError('HAVEN_VALIDATION', 'The safe list has entries Haven cannot use.', {
      errors,
    });
  }
  const appHost = input.appHost === null ? null : normaliseTarget(input.appHost);
  const { actorId, actorLabel } = actorIds(deps.actor);
  return db.transaction().execute(async (trx) => {
    const before = await findAuaSettings(trx, input.schoolId);
    const saved = await saveAuaSettings(trx, {
      schoolId: input.schoolId,
      safeListEnabled: input.safeListEnabled,
      safeHosts: hosts,
      appHost: appHost ?? before?.app_host ?? null,
      updatedBy: actorId,
      now: deps.now,
    });
    await audit(
      trx,
      deps.actor,
      {
        action: 'aua.settings-changed',
        subjectType: 'aua-settings',
        subjectId: input.schoolId,
        schoolId: input.schoolId,
        detail: { safeListEnabled: input.safeListEnabled, safeHosts: hosts },
      },
      deps.now,
    );
    if (before?.safe_list_enabled || input.safeListEnabled) {
      await recordFilterChange(
        trx,
        {
          schoolId: input.schoolId,
          actorId,
          actorLabel,
          kind: 'aua.safe-list',
          summary: input.safeListEnabled
            ? `People who have not signed the acceptable use agreement are kept on the safe list (${hosts.length === 0 ? 'help services and Haven only' : hosts.join(', ')})`
            : 'People who have not signed the acceptable use agreement are no longer kept on a safe list',
          detail: { safeListEnabled: input.safeListEnabled, safeHosts: hosts },
        },
        deps.now,
      );
    }
    return saved;
  });
}

/** Sends emails; the alert delivery's SMTP transport implements it (`sendEmail`). */
export interface Mailer {
  sendEmail(
    to: readonly string[],
    subject: string,
    text: string,
  ): Promise<{ emailed: string[]; emailError: string | null }>;
}

export interface ReminderResult {
  outstanding: number;
  emailed: number;
  withoutEmail: number;
  failed: number;
  /** The first delivery error, when any. */
  error: string | null;
}

export function reminderEmail(
  schoolName: string,
  person: { name: string },
  agreement: { label: string },
  publicUrl: string,
): { subject: string; text: string } {
  const link = `${publicUrl.replace(/\/+$/, '')}/aua/sign`;
  return {
    subject: `${schoolName}: please sign the acceptable use agreement`,
    text: [
      `Dear ${person.name},`,
      '',
      `${schoolName} asks you to read and sign its acceptable use agreement (${agreement.label.toLowerCase()}).`,
      `It takes a few minutes: sign in to Haven and open ${link}`,
      '',
      'If you have questions about the agreement, please ask the online safety lead.',
    ].join('\n'),
  };
}

/**
 * Email everyone who has not signed the version in force (one email each: addresses are never
 * shared), for one audience or all. People without an email address are counted, not skipped
 * silently. The reminder run is audited.
 */
export async function remindAua(
  db: Kysely<Database>,
  mailer: Mailer | null,
  input: { schoolId: string; schoolName: string; audience: AuaAudience | null; publicUrl: string },
  deps: { actor: AuditActor; now: Date },
): Promise<ReminderResult> {
  const completion = await auaCompletion(db, input.schoolId, deps.now);
  const outstanding = completion.outstanding.filter(
    (o) => input.audience === null || o.audience === input.audience,
  );
  const result: ReminderResult = {
    outstanding: outstanding.length,
    emailed: 0,
    withoutEmail: 0,
    failed: 0,
    error: null,
  };
  if (outstanding.length > 0 && mailer === null) {
    throw new HavenError(
      'HAVEN_NOT_READY',
      'Email is not set up: set alerts.smtp in haven.yaml (the reminders use the same mail server as alerts).',
    );
  }
  for (const o of outstanding) {
    if (!o.email) {
      result.withoutEmail += 1;
      continue;
    }
    const mail = reminderEmail(
      input.schoolName,
      o,
      { label: auaAudienceLabels[o.audience] },
      input.publicUrl,
    );
    const sent = await (mailer as Mailer).sendEmail([o.email], mail.subject, mail.text);
    if (sent.emailed.length > 0) result.emailed += 1;
    else {
      result.failed += 1;
      result.error ??= sent.emailError;
    }
  }
  await audit(
    db,
    deps.actor,
    {
      action: 'aua.reminded',
      subjectType: 'aua',
      subjectId: null,
      schoolId: input.schoolId,
      detail: { audience: input.audience, ...result },
    },
    deps.now,
  );
  return result;
}
