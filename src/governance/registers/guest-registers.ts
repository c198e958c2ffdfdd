import { randomInt } from 'node:crypto';
import { audit } from '../../access/audit.ts';
import { hashPassword } from '../../access/passwords.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { listGroups } from '../../store/school-repository.ts';
import { deleteSessionsOfUser } from '../../store/session-repository.ts';
import {
  findUserById,
  findUserByUsername,
  insertUser,
  setUserGroups,
  updateUser,
} from '../../store/user-repository.ts';
import { text, type RegisterDefinition } from '../register-definition.ts';

/**
 * GOV-6 guest access: the guest access policy (its text, versioned by date) and time-limited
 * guest accounts. A guest account is a real Haven account with the `visitor` role, in the
 * `visitors` group when the school has one, with an expiry: from that moment sign-in is refused
 * (`access/sessions.ts#checkCredentials`) and open sessions end. Archiving a guest account
 * switches it off.
 */

/** The longest a guest account may last. */
export const MAX_GUEST_DAYS = 90;

const DAY_MS = 86_400_000;

const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A password to hand to the guest: 3 groups of 4 from an alphabet without look-alikes. */
export function guestPassword(): string {
  const group = () =>
    Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `${group()}-${group()}-${group()}`;
}

function badField(field: string, message: string): HavenError {
  return new HavenError(
    'HAVEN_VALIDATION',
    `The request body is not valid: body.${field}: ${message}.`,
    {
      errors: [{ path: `body.${field}`, message }],
    },
  );
}

export const guestAccountsRegister: RegisterDefinition = {
  key: 'guest-accounts',
  title: 'Guest accounts',
  noun: 'guest account',
  area: 'Devices, software and guests',
  description: `Time-limited accounts for visitors, each with a sponsor and a reason. Creating one makes the account and shows its password once; from its expiry (at most ${MAX_GUEST_DAYS} days ahead) sign-in is refused. Archiving switches the account off.`,
  source: 'GOV-6; DESIGN "visitor / guest: time-limited guest access under the guest policy"',
  readAbility: 'registers.guests.read',
  editAbility: 'registers.guests.manage',
  fields: [
    { key: 'name', label: 'Guest’s name', type: 'text', required: true, maxLength: 120 },
    {
      key: 'username',
      label: 'Username',
      type: 'text',
      required: true,
      maxLength: 60,
      createOnly: true,
      hint: 'Letters, digits, dots and dashes, e.g. guest.jsmith',
    },
    { key: 'organisation', label: 'Organisation', type: 'text' },
    { key: 'purpose', label: 'Reason for access', type: 'text', required: true },
    {
      key: 'sponsor',
      label: 'Sponsor (member of staff)',
      type: 'person',
      people: 'staff',
      required: true,
    },
    { key: 'expires', label: 'Expires', type: 'datetime', required: true },
    { key: 'account', label: 'Account', type: 'person', people: 'anyone', system: true },
  ],
  titleField: 'name',
  columns: ['name', 'username', 'sponsor', 'purpose', 'expires', 'state'],
  csvColumns: ['name', 'username', 'organisation', 'purpose', 'sponsor', 'expires', 'state'],
  computed: [
    {
      key: 'state',
      label: 'Sign-in',
      value: (row, ctx) => {
        if (row.archived) return 'Switched off';
        const expires = text(row.data, 'expires');
        if (expires && Date.parse(expires) <= ctx.now.getTime()) return 'Expired: refused';
        return 'Allowed until expiry';
      },
    },
  ],
  check(data, issue) {
    const username = text(data, 'username');
    if (username && !/^[a-z0-9][a-z0-9._-]{2,59}$/i.test(username))
      issue('username', 'use 3 to 60 letters, digits, dots, dashes or underscores');
  },
  flags(row, ctx) {
    const expires = text(row.data, 'expires');
    if (!expires || row.archived) return [];
    const left = Date.parse(expires) - ctx.now.getTime();
    if (left <= 0)
      return [{ code: 'expired', severity: 'info', message: 'Expired: sign-in is refused.' }];
    if (left <= DAY_MS)
      return [{ code: 'expiring', severity: 'info', message: 'Expires within a day.' }];
    return [];
  },
  dueDates(row, ctx) {
    const expires = text(row.data, 'expires');
    if (!expires || row.archived || Date.parse(expires) <= ctx.now.getTime()) return [];
    return [
      {
        kind: 'guest-expiry',
        title: `Guest account expires: ${text(row.data, 'name') ?? ''}`,
        due: new Date(expires),
      },
    ];
  },
  hooks: {
    async beforeSave(db, { schoolId, data, previous, actor, now }) {
      const expires = new Date(String(data.expires));
      if (expires.getTime() > now.getTime() + MAX_GUEST_DAYS * DAY_MS)
        throw badField('expires', `at most ${MAX_GUEST_DAYS} days ahead`);
      const name = String(data.name);
      if (previous === null) {
        if (expires.getTime() <= now.getTime()) throw badField('expires', 'must be in the future');
        const username = String(data.username).toLowerCase();
        if (await findUserByUsername(db, username))
          throw new HavenError('HAVEN_CONFLICT', `The username "${username}" is already taken.`, {
            errors: [{ path: 'body.username', message: 'already taken' }],
          });
        const password = guestPassword();
        const user = await insertUser(db, {
          school_id: schoolId,
          username,
          display_name: name,
          email: null,
          roles: ['visitor'],
          year_group: null,
          staff_role: null,
          password_hash: await hashPassword(password),
          guest_expires_at: expires,
          updated_at: now,
        });
        const visitors = (await listGroups(db, schoolId)).find((g) => g.slug === 'visitors');
        if (visitors) await setUserGroups(db, user.id, [visitors.id]);
        await audit(
          db,
          actor,
          {
            action: 'user.created',
            subjectType: 'user',
            subjectId: user.id,
            schoolId,
            detail: { username, roles: ['visitor'], guestExpiresAt: expires.toISOString() },
          },
          now,
        );
        return {
          data: { ...data, username, account: user.id },
          notice: `Guest account "${username}" created. Give the guest this password (it is shown only now): ${password}`,
        };
      }
      const accountId = typeof previous.account === 'string' ? previous.account : null;
      const user = accountId ? await findUserById(db, accountId) : undefined;
      if (user) {
        await updateUser(db, user.id, {
          display_name: name,
          guest_expires_at: expires,
          updated_at: now,
        });
        if (expires.getTime() <= now.getTime()) await deleteSessionsOfUser(db, user.id);
        await audit(
          db,
          actor,
          {
            action: 'user.updated',
            subjectType: 'user',
            subjectId: user.id,
            schoolId,
            detail: { guestExpiresAt: expires.toISOString() },
          },
          now,
        );
      }
      return { data: { ...data, username: previous.username ?? null, account: accountId } };
    },
    async beforeArchive(db, { schoolId, previous, actor, now }) {
      const accountId = typeof previous?.account === 'string' ? previous.account : null;
      if (!accountId) return;
      await updateUser(db, accountId, { disabled: true, updated_at: now });
      await deleteSessionsOfUser(db, accountId);
      await audit(
        db,
        actor,
        {
          action: 'user.updated',
          subjectType: 'user',
          subjectId: accountId,
          schoolId,
          detail: { disabled: true, reason: 'guest account archived' },
        },
        now,
      );
    },
  },
};

export const guestPolicyRegister: RegisterDefinition = {
  key: 'guest-policy',
  title: 'Guest access policy',
  noun: 'policy version',
  area: 'Devices, software and guests',
  description:
    'The school’s guest access policy: what visitors may use, how they are filtered and for how long. Each version is kept with its approval and the date it took effect; the newest in effect applies.',
  source: 'GOV-6 (guest access policy)',
  readAbility: 'registers.guests.read',
  editAbility: 'registers.guests.manage',
  fields: [
    { key: 'title', label: 'Title', type: 'text', required: true },
    { key: 'effectiveFrom', label: 'In effect from', type: 'date', required: true },
    { key: 'approvedBy', label: 'Approved by', type: 'person', people: 'adults' },
    { key: 'text', label: 'Policy text', type: 'longtext', required: true },
  ],
  titleField: 'title',
  columns: ['title', 'effectiveFrom', 'approvedBy'],
  csvColumns: ['title', 'effectiveFrom', 'approvedBy', 'text'],
  registerFlags(rows, ctx) {
    const today = ctx.now.toISOString().slice(0, 10);
    return rows.some((r) => (text(r.data, 'effectiveFrom') ?? '9999') <= today)
      ? []
      : [
          {
            code: 'no-policy',
            severity: 'warning',
            message: 'No guest access policy is in effect.',
          },
        ];
  },
};
