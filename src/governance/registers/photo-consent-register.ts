import {
  flag,
  personName,
  text,
  type RegisterDefinition,
  type RegisterFlag,
} from '../register-definition.ts';

/**
 * GOV-7: written parental consent per pupil and purpose, and the pupils whose image must not be
 * taken or published (policy "Digital and video images"). The publishing check is in
 * `photo-consent-check.ts`.
 */

export const photoPurposes = [
  { value: 'website', label: 'School website' },
  { value: 'socialMedia', label: 'School social media' },
  { value: 'press', label: 'Press and local media' },
] as const;

export type PhotoPurpose = (typeof photoPurposes)[number]['value'];

const consentOptions = [
  { value: 'given', label: 'Consent given' },
  { value: 'refused', label: 'Consent refused' },
  { value: 'not-asked', label: 'Not yet asked' },
];

export const photoConsentRegister: RegisterDefinition = {
  key: 'photo-consent',
  title: 'Photo consent',
  noun: 'consent record',
  area: 'Photos and images',
  description:
    'Written consent from a parent or carer, per pupil, for each purpose (website, social media, press), with the date and who gave it; and the pupils whose image must not be taken or published at all. Staff check here — or with the publishing check — before a photo goes out.',
  source: 'GOV-7; policy "Digital and video images" and "Online publishing"',
  readAbility: 'registers.photo-consent.read',
  editAbility: 'registers.photo-consent.edit',
  auditReads: true,
  fields: [
    { key: 'pupil', label: 'Pupil', type: 'person', people: 'pupils', required: true },
    ...photoPurposes.map((p) => ({
      key: p.value,
      label: p.label,
      type: 'choice' as const,
      required: true,
      options: consentOptions,
    })),
    { key: 'givenBy', label: 'Given by (parent or carer)', type: 'text', required: true },
    { key: 'date', label: 'Date of written consent', type: 'date', required: true },
    {
      key: 'doNotPhotograph',
      label: 'Image must not be taken or published',
      type: 'boolean',
      hint: 'For example a looked-after child or a safeguarding reason: no photo, whatever the consent.',
    },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'pupil',
  columns: ['pupil', 'website', 'socialMedia', 'press', 'givenBy', 'date', 'doNotPhotograph'],
  csvColumns: [
    'pupil',
    'website',
    'socialMedia',
    'press',
    'givenBy',
    'date',
    'doNotPhotograph',
    'notes',
  ],
  flags(row, ctx) {
    const flags: RegisterFlag[] = [];
    if (flag(row.data, 'doNotPhotograph'))
      flags.push({
        code: 'do-not-photograph',
        severity: 'warning',
        message: `${personName(ctx, text(row.data, 'pupil'))}'s image must not be taken or published.`,
      });
    return flags;
  },
};
