import { DEVICE_CLASSES, DEVICE_CLASS_OWNERSHIP } from '../../policy/document/policy-schema.ts';
import {
  num,
  personLeft,
  personName,
  text,
  type RegisterDefinition,
  type RegisterFlag,
} from '../register-definition.ts';
import { daysUntil, endOfDay } from '../register-clocks.ts';

/**
 * GOV-6: the device asset register ("an asset log that clearly states whom a device has been
 * allocated to", every school device managed by MDM), device loans and trips out of school, and
 * software licences (bought against installed, renewals).
 */

const deviceClassLabels: Record<(typeof DEVICE_CLASSES)[number], string> = {
  'school-single-user': 'School owned, single user',
  'school-multi-user': 'School owned, multiple users',
  authorised: 'Authorised device',
  'pupil-owned': 'Pupil owned',
  'staff-owned': 'Staff owned',
  'visitor-owned': 'Visitor owned',
};

export const devicesRegister: RegisterDefinition = {
  key: 'devices',
  title: 'Device asset register',
  noun: 'device',
  area: 'Devices, software and guests',
  description:
    'Every device: its asset tag, type and serial number, who holds it, its ownership class (the classes of the policy’s mobile technologies table) and whether it is enrolled in mobile device management. School devices not enrolled (or still pending), and devices held by someone who has left, are flagged; a device that cannot be enrolled, such as a camera, is recorded as not applicable.',
  source: 'GOV-6; policy "Mobile technologies" (school owned/provided devices)',
  readAbility: 'registers.devices.read',
  editAbility: 'registers.devices.edit',
  fields: [
    {
      key: 'assetTag',
      label: 'Asset tag',
      type: 'text',
      required: true,
      maxLength: 60,
      unique: true,
    },
    {
      key: 'type',
      label: 'Type',
      type: 'choice',
      required: true,
      options: [
        { value: 'laptop', label: 'Laptop' },
        { value: 'chromebook', label: 'Chromebook' },
        { value: 'tablet', label: 'Tablet' },
        { value: 'desktop', label: 'Desktop' },
        { value: 'phone', label: 'Phone' },
        { value: 'camera', label: 'Camera' },
        { value: 'other', label: 'Other' },
      ],
    },
    { key: 'model', label: 'Make and model', type: 'text' },
    { key: 'serial', label: 'Serial number', type: 'text', maxLength: 120 },
    { key: 'holder', label: 'Held by', type: 'person', people: 'anyone' },
    {
      key: 'ownership',
      label: 'Ownership class',
      type: 'choice',
      required: true,
      options: DEVICE_CLASSES.map((c) => ({ value: c, label: deviceClassLabels[c] })),
    },
    {
      key: 'mdm',
      label: 'MDM',
      type: 'choice',
      required: true,
      options: [
        { value: 'enrolled', label: 'Enrolled' },
        { value: 'pending', label: 'Enrolment pending' },
        { value: 'not-enrolled', label: 'Not enrolled' },
        { value: 'not-applicable', label: 'Not applicable' },
      ],
    },
    {
      key: 'status',
      label: 'Status',
      type: 'choice',
      required: true,
      options: [
        { value: 'in-use', label: 'In use' },
        { value: 'in-store', label: 'In store' },
        { value: 'repair', label: 'Being repaired' },
        { value: 'lost', label: 'Lost or stolen' },
        { value: 'disposed', label: 'Disposed of' },
      ],
    },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'assetTag',
  columns: ['assetTag', 'type', 'holder', 'ownership', 'mdm', 'status'],
  csvColumns: [
    'assetTag',
    'type',
    'model',
    'serial',
    'holder',
    'ownership',
    'mdm',
    'status',
    'notes',
  ],
  flags(row, ctx) {
    const flags: RegisterFlag[] = [];
    const ownership = text(row.data, 'ownership') as (typeof DEVICE_CLASSES)[number] | null;
    const status = text(row.data, 'status');
    const active = status !== 'disposed' && status !== 'lost';
    if (
      ownership &&
      DEVICE_CLASS_OWNERSHIP[ownership] === 'school' &&
      active &&
      ['not-enrolled', 'pending'].includes(text(row.data, 'mdm') ?? '')
    ) {
      flags.push({
        code: 'not-managed',
        severity: 'warning',
        message: 'A school device not enrolled in mobile device management.',
      });
    }
    const holder = text(row.data, 'holder');
    const left = holder && active ? personLeft(ctx, holder) : null;
    if (left)
      flags.push({
        code: 'holder-left',
        severity: 'warning',
        message: `Held by ${personName(ctx, holder)}, whose account is ${left}: recover the device.`,
      });
    if (status === 'lost')
      flags.push({
        code: 'lost',
        severity: 'warning',
        message: 'Lost or stolen: consider whether this is a personal data breach.',
      });
    return flags;
  },
};

function loanOut(row: { data: Parameters<typeof text>[0] }): boolean {
  return text(row.data, 'returned') === null;
}

export const deviceLoansRegister: RegisterDefinition = {
  key: 'device-loans',
  title: 'Device loans and trips',
  noun: 'loan',
  area: 'Devices, software and guests',
  description:
    'Devices taken out of school — home loans, trips and events — with who has them, when they went and when they came back. Devices not back by their return date are flagged.',
  source:
    'GOV-6; policy "Mobile technologies" (use of devices on trips and events away from school)',
  readAbility: 'registers.devices.read',
  editAbility: 'registers.devices.edit',
  fields: [
    { key: 'device', label: 'Device', type: 'row', register: 'devices', required: true },
    { key: 'borrower', label: 'Taken by', type: 'person', people: 'anyone', required: true },
    {
      key: 'purpose',
      label: 'Purpose',
      type: 'choice',
      required: true,
      options: [
        { value: 'trip', label: 'Trip or visit' },
        { value: 'event', label: 'Event away from school' },
        { value: 'home-loan', label: 'Home loan' },
        { value: 'other', label: 'Other' },
      ],
    },
    { key: 'out', label: 'Went out', type: 'date', required: true },
    { key: 'dueBack', label: 'Due back', type: 'date', required: true },
    { key: 'returned', label: 'Came back', type: 'date' },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'device',
  columns: ['device', 'borrower', 'purpose', 'out', 'dueBack', 'returned'],
  csvColumns: ['device', 'borrower', 'purpose', 'out', 'dueBack', 'returned', 'notes'],
  check(data, issue) {
    const out = text(data, 'out');
    const dueBack = text(data, 'dueBack');
    const returned = text(data, 'returned');
    if (out && dueBack && dueBack < out) issue('dueBack', 'cannot be before the day it went out');
    if (out && returned && returned < out)
      issue('returned', 'cannot be before the day it went out');
  },
  flags(row, ctx) {
    const dueBack = text(row.data, 'dueBack');
    if (!dueBack || !loanOut(row) || endOfDay(dueBack).getTime() >= ctx.now.getTime()) return [];
    return [
      {
        code: 'not-back',
        severity: 'overdue',
        message: `Not back: due ${-daysUntil(dueBack, ctx.now)} day(s) ago.`,
      },
    ];
  },
  dueDates(row, ctx) {
    const dueBack = text(row.data, 'dueBack');
    if (!dueBack || !loanOut(row)) return [];
    const device = text(row.data, 'device');
    return [
      {
        kind: 'device-loan',
        title: `Device due back: ${(device && ctx.rowLabel('devices', device)) ?? 'device'} (${personName(ctx, text(row.data, 'borrower'))})`,
        due: endOfDay(dueBack),
      },
    ];
  },
};

/** Renewals this close are flagged as due. */
export const LICENCE_RENEWAL_WARNING_DAYS = 30;

export const licencesRegister: RegisterDefinition = {
  key: 'licences',
  title: 'Software licences',
  noun: 'licence',
  area: 'Devices, software and guests',
  description:
    'Software the school licenses: seats bought against seats installed, and the renewal date. More installations than seats, and renewals within 30 days or past, are flagged.',
  source: 'GOV-6 (licences bought vs installed)',
  readAbility: 'registers.devices.read',
  editAbility: 'registers.devices.edit',
  fields: [
    { key: 'product', label: 'Product', type: 'text', required: true },
    { key: 'supplier', label: 'Supplier', type: 'text' },
    {
      key: 'seatsBought',
      label: 'Seats bought',
      type: 'number',
      required: true,
      min: 0,
      max: 1_000_000,
    },
    {
      key: 'seatsInstalled',
      label: 'Seats installed',
      type: 'number',
      required: true,
      min: 0,
      max: 1_000_000,
    },
    { key: 'renewal', label: 'Renewal date', type: 'date' },
    { key: 'owner', label: 'Owner', type: 'person', people: 'staff' },
    { key: 'notes', label: 'Notes', type: 'longtext' },
  ],
  titleField: 'product',
  columns: ['product', 'seatsBought', 'seatsInstalled', 'renewal', 'owner'],
  csvColumns: ['product', 'supplier', 'seatsBought', 'seatsInstalled', 'renewal', 'owner', 'notes'],
  flags(row, ctx) {
    const flags: RegisterFlag[] = [];
    const bought = num(row.data, 'seatsBought') ?? 0;
    const installed = num(row.data, 'seatsInstalled') ?? 0;
    if (installed > bought)
      flags.push({
        code: 'over-installed',
        severity: 'warning',
        message: `${installed - bought} more installation(s) than seats bought.`,
      });
    const renewal = text(row.data, 'renewal');
    if (renewal) {
      const days = daysUntil(renewal, ctx.now);
      if (days < 0)
        flags.push({
          code: 'renewal-overdue',
          severity: 'overdue',
          message: `Renewal was due ${-days} day(s) ago.`,
        });
      else if (days <= LICENCE_RENEWAL_WARNING_DAYS)
        flags.push({
          code: 'renewal-due',
          severity: 'warning',
          message: `Renewal due in ${days} day(s).`,
        });
    }
    return flags;
  },
  dueDates(row) {
    const renewal = text(row.data, 'renewal');
    if (!renewal) return [];
    return [
      {
        kind: 'licence-renewal',
        title: `Licence renewal: ${text(row.data, 'product') ?? ''}`,
        due: endOfDay(renewal),
      },
    ];
  },
};
