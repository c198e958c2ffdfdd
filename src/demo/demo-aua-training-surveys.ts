import type { Kysely } from 'kysely';
import type { SystemActor } from '../access/actor.ts';
import { publishAuaVersion } from '../governance/aua.ts';
import { createSurvey } from '../governance/survey.ts';
import { ensureBuiltInCourses, recordTraining } from '../governance/training.ts';
import type { AuaAudience, Database } from '../store/schema.ts';
import { listTrainingCourses } from '../store/training-repository.ts';

/**
 * The demo school's acceptable use agreements (written for Haven from what the two seed policies
 * ask of pupils, staff, parents and visitors), a few training records and a pupil survey.
 */
const demoAgreements: readonly { audience: AuaAudience; title: string; body: string }[] = [
  {
    audience: 'pupil-younger',
    title: 'Our online safety promise (EYFS, KS1 and KS2)',
    body: `# Our online safety promise

When I use computers and tablets at school:

- I only use them when a grown-up says I can.
- I only go on websites and apps my teacher has shown me.
- I keep my passwords secret, and I never use someone else's.
- I am kind online, just like I am in the classroom.
- I never share my name, address, school or photos with people I do not know.
- If I see something that worries me or makes me feel sad, I tell a grown-up straight away. I will not be in trouble.

I know the school can see what I do on school computers, to keep me safe.`,
  },
  {
    audience: 'pupil-older',
    title: 'Acceptable use agreement for pupils (KS3 and above)',
    body: `# Acceptable use agreement

## Keeping myself safe
- I keep my login details private and log out when I finish.
- I think before I post: anything I share can be copied and kept.
- I report anything that upsets me, or anyone who asks to meet or for images, to a trusted adult or to CEOP.

## Respecting others
- I treat people online with respect and never bully, threaten or exclude anyone.
- I do not take or share images of others without their permission.

## Using school systems
- I use school devices and the network for learning.
- I do not try to get round the filter or monitoring, or use someone else's account.
- I understand that my use of school systems is monitored, and that breaking this agreement may lead to a sanction.`,
  },
  {
    audience: 'staff',
    title: 'Staff and volunteer acceptable use agreement',
    body: `# Staff and volunteer acceptable use agreement

## Professional conduct
- I use school systems for my work and keep personal use to a minimum and out of lesson time.
- I communicate with pupils and parents only through school channels.
- I model positive online behaviour and keep my own online reputation professional.

## Data and security
- I keep passwords private, lock devices when I leave them and protect personal data as the data protection policy requires.
- I report any data breach or suspected cyber incident to the online safety lead at once.

## Safeguarding
- I report online safety concerns about a pupil to the DSL the same day.
- I know that school systems are filtered and monitored, and I never try to bypass them.`,
  },
  {
    audience: 'parent',
    title: 'Parent and carer agreement',
    body: `# Parent and carer agreement

- I have read the pupil agreement with my child and talked about it with them.
- I understand the school filters and monitors its internet access to keep pupils safe.
- I will support the school's approach to online safety and raise concerns with the school rather than on social media.
- I will not post photos or videos from school events that show other people's children.`,
  },
  {
    audience: 'visitor',
    title: 'Visitor and guest agreement',
    body: `# Visitor and guest agreement

- I use the guest network only for the purpose of my visit.
- I do not photograph or record pupils.
- I report anything that worries me about a pupil's safety to the school office or the DSL.`,
  },
];

export async function setupDemoAuaTrainingSurveys(
  db: Kysely<Database>,
  input: { schoolId: string; people: ReadonlyMap<string, string>; actor: SystemActor; now: Date },
): Promise<void> {
  const { schoolId, actor, now } = input;
  const start = new Date(now.getTime() - 30 * 86_400_000);
  for (const a of demoAgreements) {
    await publishAuaVersion(
      db,
      {
        schoolId,
        ...a,
        effectiveFrom: start,
        changeNote: 'First version for the demo school.',
      },
      { actor, now },
    );
  }
  await ensureBuiltInCourses(db, schoolId, now);
  const courses = new Map((await listTrainingCourses(db, schoolId)).map((c) => [c.slug, c.id]));
  const day = (daysAgo: number): string =>
    new Date(now.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const records: [string, string, number, string][] = [
    ['dsl', 'annual-safeguarding', 120, 'Local authority safeguarding team'],
    ['dsl', 'filtering-monitoring', 330, 'SWGfL online course'],
    ['head', 'annual-safeguarding', 400, 'Local authority safeguarding team'],
    ['teacher', 'induction', 700, 'Roundwood Demo School'],
    ['teacher', 'annual-safeguarding', 100, 'Staff INSET day'],
    ['tech', 'cyber-security', 200, 'NCSC staff training'],
    ['governor', 'filtering-monitoring', 60, 'National Governance Association'],
  ];
  for (const [username, slug, daysAgo, provider] of records) {
    const userId = input.people.get(username);
    const courseId = courses.get(slug);
    if (!userId || !courseId) continue;
    await recordTraining(
      db,
      {
        schoolId,
        courseId,
        userId,
        completedOn: day(daysAgo),
        provider,
        evidence: 'Certificate kept in the single central record folder.',
      },
      { actor, now, recordedBy: null },
    );
  }
  await createSurvey(
    db,
    {
      schoolId,
      title: 'Staying safe online: pupil survey',
      introduction: 'Your answers are anonymous: nobody can see who wrote what.',
      audience: 'pupils',
      opensAt: start,
      closesAt: new Date(now.getTime() + 60 * 86_400_000),
      questions: [
        {
          key: 'feel-safe-online',
          kind: 'scale',
          prompt: 'How safe do you feel online at school? (1 = not safe, 5 = very safe)',
          choices: [],
        },
        {
          key: 'who-would-you-tell',
          kind: 'choice',
          prompt: 'If something online worried you, who would you tell first?',
          choices: ['My teacher', 'A parent or carer', 'A friend', 'Childline', 'Nobody'],
        },
        {
          key: 'what-would-help',
          kind: 'text',
          prompt: 'What would help you stay safe online?',
          choices: [],
        },
      ],
    },
    { actor, createdBy: null, now },
  );
}
