import type { Kysely } from 'kysely';
import type { AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { insertRegisterRow } from '../store/register-repository.ts';
import type { Database } from '../store/schema.ts';
import { createSchema, normalise, type FieldValue } from './register-definition.ts';
import { findRegister } from './registers/index.ts';

/**
 * A few believable rows per register for the demo school, dated around `now` so that the clocks
 * and flags have something to show: a breach discovered this morning with its ICO hours ticking,
 * an Online Safety Group action past its date, a licence over-installed, a social media account
 * with one administrator, the DfE's filtering governor not yet named. No real person's data.
 */
export async function addDemoRegisters(
  db: Kysely<Database>,
  input: { schoolId: string; people: ReadonlyMap<string, string>; actor: AuditActor; now: Date },
): Promise<void> {
  const { schoolId, actor, now } = input;
  const id = (username: string): string => {
    const found = input.people.get(username);
    if (!found) throw new Error(`demo account ${username} is missing`);
    return found;
  };
  const day = (offsetDays: number): string =>
    new Date(now.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
  const at = (offsetHours: number): string =>
    new Date(now.getTime() + offsetHours * 3_600_000).toISOString();

  const rows: [string, Record<string, FieldValue>][] = [
    ['roles', { responsibility: 'head', person: id('head'), since: '2021-09-01' }],
    ['roles', { responsibility: 'dsl', person: id('dsl'), since: '2022-09-01' }],
    [
      'roles',
      {
        responsibility: 'online-safety-lead',
        person: id('dsl'),
        since: '2022-09-01',
        notes: 'The DSL also leads on online safety (a small school).',
      },
    ],
    [
      'roles',
      { responsibility: 'online-safety-governor', person: id('governor'), since: '2023-01-15' },
    ],
    [
      'roles',
      {
        responsibility: 'it-provider',
        person: id('tech'),
        organisation: 'Roundwood Demo School',
        contact: 'tech@roundwood-demo.invalid',
      },
    ],
    [
      'roles',
      {
        responsibility: 'it-provider',
        name: 'Demo Schools IT Services Ltd',
        organisation: 'Managed service (filtering, MDM)',
        contact: 'support@it-services.invalid',
      },
    ],
    [
      'roles',
      {
        responsibility: 'curriculum-lead',
        person: id('teacher'),
        notes: 'Computing and PSHE lead',
      },
    ],
    [
      'roles',
      { responsibility: 'slt-filtering-monitoring', person: id('head'), since: '2023-09-01' },
    ],
    ['osg-members', { person: id('dsl'), represents: 'dsl', joined: '2022-09-01', chair: true }],
    ['osg-members', { person: id('tech'), represents: 'technical', joined: '2022-09-01' }],
    ['osg-members', { person: id('governor'), represents: 'governors', joined: '2023-01-15' }],
    ['osg-members', { person: id('teacher'), represents: 'teaching-staff', joined: '2024-09-01' }],
    [
      'osg-members',
      { name: 'Year 6 digital leaders (two pupils)', represents: 'pupils', joined: day(-60) },
    ],
    [
      'osg-meetings',
      {
        date: day(-21),
        title: 'Autumn term meeting',
        attendees: [id('dsl'), id('tech'), id('governor'), id('teacher')],
        minutes:
          'Reviewed the half-term filtering report and two incidents (no names). Agreed to run the 360 degree safe review of filtering and monitoring, and to update the parent guidance on age ratings.',
      },
    ],
    [
      'osg-actions',
      {
        action: 'Complete the 360 degree safe review: filtering and monitoring',
        owner: id('dsl'),
        due: day(-3),
        status: 'in-progress',
        source: '360-degree-safe',
        aspect: 'Element C — Filtering and monitoring',
      },
    ],
    [
      'osg-actions',
      {
        action: 'Update the parent guidance on age ratings',
        owner: id('teacher'),
        due: day(14),
        status: 'open',
        source: 'meeting',
      },
    ],
    [
      'osg-actions',
      {
        action: 'Check YouTube restricted mode for Key Stage 2',
        owner: id('tech'),
        due: day(-30),
        status: 'done',
        source: 'incident',
      },
    ],
    [
      'devices',
      {
        assetTag: 'RW-LAP-014',
        type: 'laptop',
        model: 'Demo Laptop 14',
        serial: 'DL14-0091',
        holder: id('teacher'),
        ownership: 'school-single-user',
        mdm: 'enrolled',
        status: 'in-use',
      },
    ],
    [
      'devices',
      {
        assetTag: 'RW-IPAD-03',
        type: 'tablet',
        model: 'Demo Tablet 10',
        serial: 'DT10-2231',
        ownership: 'school-multi-user',
        mdm: 'enrolled',
        status: 'in-use',
        notes: 'Class set, Year 5',
      },
    ],
    [
      'devices',
      {
        assetTag: 'RW-CAM-01',
        type: 'camera',
        model: 'Demo Compact',
        ownership: 'school-multi-user',
        mdm: 'not-applicable',
        status: 'in-use',
        notes: 'The only camera for school photos: staff phones are not used.',
      },
    ],
    [
      'devices',
      {
        assetTag: 'RW-LAP-022',
        type: 'laptop',
        model: 'Demo Laptop 14',
        holder: id('dsl'),
        ownership: 'school-single-user',
        mdm: 'pending',
        status: 'in-use',
      },
    ],
    [
      'licences',
      {
        product: 'Office suite (staff)',
        supplier: 'Demo Software',
        seatsBought: 25,
        seatsInstalled: 23,
        renewal: day(120),
        owner: id('tech'),
      },
    ],
    [
      'licences',
      {
        product: 'Typing tutor',
        supplier: 'Demo Education',
        seatsBought: 30,
        seatsInstalled: 34,
        renewal: day(12),
        owner: id('tech'),
      },
    ],
    [
      'guest-policy',
      {
        title: 'Guest and visitor access',
        effectiveFrom: '2025-09-01',
        approvedBy: id('head'),
        text: 'Visitors use the visitors network with guest-level filtering. A guest account is arranged by a member of staff (the sponsor) for the length of the visit only, and ends by itself. Guests agree to the visitor acceptable use statement when they sign in. Guests never use pupil devices.',
      },
    ],
    [
      'photo-consent',
      {
        pupil: id('pupil'),
        website: 'given',
        socialMedia: 'refused',
        press: 'not-asked',
        givenBy: 'Pat Adeyemi (parent)',
        date: day(-80),
      },
    ],
    [
      'processing-activities',
      {
        activity: 'Web filtering and monitoring',
        purpose: 'Keeping pupils safe online (KCSIE; DfE filtering and monitoring standards)',
        subjects: 'Pupils, staff, visitors',
        dataCategories: 'Account, device, sites visited, search terms, alerts',
        lawfulBasis: 'legal-obligation',
        specialCategory: 'substantial-public-interest',
        recipients: 'DSL; police or children’s social care when a referral is made',
        retention: 'Activity 365 days, search terms 90 days',
        security: 'Role-based access, audited reads, encryption in transit',
      },
    ],
    [
      'processing-activities',
      {
        activity: 'School photographs',
        purpose: 'Celebrating pupils’ work on the website and social media',
        subjects: 'Pupils',
        lawfulBasis: 'consent',
        specialCategory: 'none',
        retention: 'Until consent is withdrawn or the pupil leaves',
      },
    ],
    [
      'information-assets',
      {
        asset: 'Haven (online safety records)',
        owner: id('dsl'),
        location: 'School server',
        personalData: 'Activity, alerts, incidents, registers',
        lawfulBasis: 'legal-obligation',
        specialCategory: 'substantial-public-interest',
        retention: 'See retention schedule',
      },
    ],
    [
      'information-assets',
      {
        asset: 'Photo library',
        owner: id('head'),
        location: 'Staff shared drive (photos folder)',
        lawfulBasis: 'consent',
        specialCategory: 'none',
        retention: 'Pupil leaves + 1 year',
      },
    ],
    [
      'retention-schedule',
      {
        record: 'Online safety incident records',
        period: 'Date of birth of the pupil + 25 years',
        action: 'review',
        basis: 'IRMS toolkit for schools (child protection records)',
        owner: id('dsl'),
      },
    ],
    [
      'retention-schedule',
      {
        record: 'Acceptable use agreements',
        period: 'Current year + 1 year',
        action: 'destroy',
        basis: 'School decision',
      },
    ],
    [
      'dpias',
      {
        title: 'Haven monitoring and alerts',
        owner: id('dsl'),
        completed: day(-200),
        risk: 'medium',
        dpoConsulted: true,
        nextReview: day(165),
        outcome: 'Search terms kept 90 days; reads of safeguarding records audited.',
      },
    ],
    [
      'dpias',
      {
        title: 'Class tablets with cloud apps',
        owner: id('tech'),
        completed: day(-400),
        risk: 'low',
        dpoConsulted: true,
        nextReview: day(-35),
      },
    ],
    [
      'breaches',
      {
        title: 'Class list emailed to the wrong parent',
        discoveredAt: at(-20),
        description: 'A Year 5 class list (names only) went to one parent outside the class.',
        dataInvolved: 'Pupil names',
        peopleAffected: 28,
        risk: 'unlikely',
        icoDecision: 'undecided',
        containment: 'Parent asked to delete the email; confirmed the same day.',
      },
    ],
    [
      'breaches',
      {
        title: 'Staff laptop stolen from a car',
        discoveredAt: at(-24 * 40),
        risk: 'risk',
        icoDecision: 'not-reportable',
        notReportedReason:
          'The laptop was encrypted and enrolled in MDM; it was wiped remotely within the hour.',
        closed: true,
      },
    ],
    [
      'subject-access-requests',
      {
        requester: 'A parent (Year 3)',
        about: 'Their child',
        received: day(-10),
        identityChecked: day(-9),
      },
    ],
    [
      'subject-access-requests',
      {
        requester: 'A former member of staff',
        received: day(-45),
        identityChecked: day(-43),
        extensionMonths: 1,
        extensionReason: 'Complex: records held across several systems.',
      },
    ],
    [
      'foi-requests',
      {
        requester: 'Local newspaper',
        request: 'How much did the school spend on web filtering last year?',
        received: day(-5),
      },
    ],
    [
      'social-media',
      {
        platform: 'x',
        handle: '@RoundwoodDemo',
        url: 'https://x.example/RoundwoodDemo',
        purpose: 'News and celebrations',
        approvedBy: id('head'),
        approvedOn: '2024-01-10',
        admins: [id('dsl'), id('teacher')],
      },
    ],
    [
      'social-media',
      {
        platform: 'instagram',
        handle: 'roundwood.demo',
        purpose: 'Photos of school events',
        approvedBy: id('head'),
        approvedOn: day(-30),
        admins: [id('tech')],
      },
    ],
  ];

  await db.transaction().execute(async (trx) => {
    const assets = new Map<string, string>();
    const add = async (key: string, body: Record<string, FieldValue>): Promise<void> => {
      const definition = findRegister(key);
      if (!definition) throw new Error(`no register ${key}`);
      const parsed = createSchema(definition).parse(body);
      const data = normalise(definition, parsed);
      const row = await insertRegisterRow(trx, { schoolId, register: key, data, by: null }, now);
      await audit(
        trx,
        actor,
        {
          action: 'register.created',
          subjectType: `register:${key}`,
          subjectId: row.id,
          schoolId,
          detail: { demo: true },
        },
        now,
      );
      if (key === 'devices') assets.set(String(data.assetTag), row.id);
    };
    for (const [key, body] of rows) await add(key, body);
    // A class set of tablets out on a trip, due back yesterday.
    await add('device-loans', {
      device: assets.get('RW-IPAD-03') ?? null,
      borrower: id('teacher'),
      purpose: 'trip',
      out: day(-3),
      dueBack: day(-1),
      notes: 'Year 5 museum visit: photos for the class blog.',
    });
  });
}
