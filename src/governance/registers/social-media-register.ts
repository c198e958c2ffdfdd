import {
  ids,
  personLeft,
  personName,
  text,
  type RegisterDefinition,
  type RegisterFlag,
} from '../register-definition.ts';

/**
 * GOV-9: the school's official social media accounts (policy "Social media": "a process for
 * approval by senior leaders", "clear processes for the administration and monitoring of these
 * accounts – involving at least two members of staff"). An account with fewer than two active
 * administrators — or an administrator whose Haven account is switched off, locked or removed —
 * is flagged.
 */

export const MIN_SOCIAL_MEDIA_ADMINS = 2;

export const socialMediaRegister: RegisterDefinition = {
  key: 'social-media',
  title: 'Social media accounts',
  noun: 'account',
  area: 'Social media',
  description:
    'Each official school social media account: platform, handle, the senior leader who approved it and when, and its staff administrators (at least two).',
  source: 'GOV-9; policy "Social media" (official school social media accounts)',
  readAbility: 'registers.social-media.read',
  editAbility: 'registers.social-media.edit',
  fields: [
    {
      key: 'platform',
      label: 'Platform',
      type: 'choice',
      required: true,
      options: [
        { value: 'facebook', label: 'Facebook' },
        { value: 'instagram', label: 'Instagram' },
        { value: 'x', label: 'X (Twitter)' },
        { value: 'youtube', label: 'YouTube' },
        { value: 'linkedin', label: 'LinkedIn' },
        { value: 'tiktok', label: 'TikTok' },
        { value: 'blog', label: 'Blog' },
        { value: 'other', label: 'Other' },
      ],
    },
    { key: 'handle', label: 'Handle or name', type: 'text', required: true },
    { key: 'url', label: 'Address (URL)', type: 'text' },
    { key: 'purpose', label: 'Purpose', type: 'text' },
    {
      key: 'approvedBy',
      label: 'Approved by (senior leader)',
      type: 'person',
      people: 'staff',
      required: true,
    },
    { key: 'approvedOn', label: 'Approved on', type: 'date', required: true },
    {
      key: 'admins',
      label: 'Staff administrators',
      type: 'people',
      people: 'staff',
      required: true,
      hint: `At least ${MIN_SOCIAL_MEDIA_ADMINS}.`,
    },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'handle',
  columns: ['platform', 'handle', 'approvedBy', 'approvedOn', 'admins'],
  csvColumns: [
    'platform',
    'handle',
    'url',
    'purpose',
    'approvedBy',
    'approvedOn',
    'admins',
    'notes',
  ],
  flags(row, ctx) {
    const flags: RegisterFlag[] = [];
    const admins = ids(row.data, 'admins');
    let active = 0;
    for (const id of admins) {
      const left = personLeft(ctx, id);
      if (left)
        flags.push({
          code: 'admin-left',
          severity: 'warning',
          message: `Administrator ${personName(ctx, id)}'s account is ${left}: remove their access to the account and name another.`,
        });
      else active += 1;
    }
    if (active < MIN_SOCIAL_MEDIA_ADMINS)
      flags.push({
        code: 'too-few-admins',
        severity: 'warning',
        message: `${active} active staff administrator(s): the policy asks for at least ${MIN_SOCIAL_MEDIA_ADMINS}.`,
      });
    const approver = text(row.data, 'approvedBy');
    const approverLeft = approver ? personLeft(ctx, approver) : null;
    if (approverLeft === 'removed')
      flags.push({
        code: 'approver-unknown',
        severity: 'info',
        message: 'The approving senior leader is no longer in Haven.',
      });
    return flags;
  },
};
