import type { PhotoPurpose } from './registers/photo-consent-register.ts';

/**
 * The publishing check (GOV-7): before a photo goes on the website, social media or to the press,
 * paste the caption or page text and pick the pupils in the photo. Haven flags a pupil's full name
 * in the text ("pupils' full names will not be used anywhere on a website or blog, particularly in
 * association with photographs"), pupils without written consent for that purpose, and pupils
 * whose image must not be taken or published. Pure: the caller passes the consent records.
 */

export interface PupilInPhoto {
  readonly id: string;
  readonly displayName: string;
}

export interface ConsentRecord {
  readonly pupilId: string;
  readonly consent: Readonly<Record<PhotoPurpose, string | null>>;
  readonly doNotPhotograph: boolean;
}

export interface PublishingProblem {
  readonly pupilId: string;
  readonly pupil: string;
  readonly kind: 'full-name' | 'no-consent' | 'consent-refused' | 'do-not-photograph';
  readonly message: string;
}

export interface PublishingCheck {
  readonly ok: boolean;
  problems: PublishingProblem[];
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does `text` hold the pupil's first and last name together (any case, any spacing)? */
export function containsFullName(text: string, displayName: string): boolean {
  const parts = displayName.trim().split(/\s+/).filter(Boolean);
  if (parts.length < 2) return false;
  const pattern = parts.map(escapeRegExp).join('[\\s\\u00a0]+');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const firstLast = `${escapeRegExp(first)}[\\s\\u00a0]+${escapeRegExp(last)}`;
  const lastFirst = `${escapeRegExp(last)},?[\\s\\u00a0]+${escapeRegExp(first)}`;
  return [pattern, firstLast, lastFirst].some((p) =>
    new RegExp(`(^|[^\\p{L}\\p{N}])(${p})(?=$|[^\\p{L}\\p{N}])`, 'iu').test(text),
  );
}

export function checkPublication(input: {
  text: string;
  purpose: PhotoPurpose;
  purposeLabel: string;
  pupils: readonly PupilInPhoto[];
  consents: readonly ConsentRecord[];
  /** Every pupil of the school: a full name in the text is flagged whoever is in the photo. */
  allPupils?: readonly PupilInPhoto[];
}): PublishingCheck {
  const problems: PublishingProblem[] = [];
  const byPupil = new Map(input.consents.map((c) => [c.pupilId, c]));
  for (const pupil of input.pupils) {
    const record = byPupil.get(pupil.id);
    if (record?.doNotPhotograph) {
      problems.push({
        pupilId: pupil.id,
        pupil: pupil.displayName,
        kind: 'do-not-photograph',
        message: `${pupil.displayName}'s image must not be taken or published.`,
      });
    } else if (!record || record.consent[input.purpose] !== 'given') {
      const refused = record?.consent[input.purpose] === 'refused';
      problems.push({
        pupilId: pupil.id,
        pupil: pupil.displayName,
        kind: refused ? 'consent-refused' : 'no-consent',
        message: refused
          ? `${pupil.displayName}'s parent or carer refused consent for ${input.purposeLabel}.`
          : `There is no written consent for ${pupil.displayName} for ${input.purposeLabel}.`,
      });
    }
  }
  const inPhoto = new Set(input.pupils.map((p) => p.id));
  const named = [...input.pupils, ...(input.allPupils ?? []).filter((p) => !inPhoto.has(p.id))];
  for (const pupil of named) {
    if (containsFullName(input.text, pupil.displayName)) {
      problems.push({
        pupilId: pupil.id,
        pupil: pupil.displayName,
        kind: 'full-name',
        message: `The text names ${pupil.displayName} in full beside the photo: use the first name only, or no name.`,
      });
    }
  }
  return { ok: problems.length === 0, problems };
}
