import type { Kysely } from 'kysely';
import type { Actor } from '../access/actor.ts';
import { isRole, type Role } from '../access/roles.ts';
import type { Database, School } from '../store/schema.ts';
import { findUserByUsername } from '../store/user-repository.ts';
import {
  addIncidentInvestigator,
  addLearning,
  classifyIncident,
  closeIncident,
  linkPerson,
  recordInvestigation,
  recordJudgement,
  recordOutcome,
  recordSanction,
  signOffJudgement,
} from './incident-actions.ts';
import { reportConcern } from './report-intake.ts';

async function demoActor(db: Kysely<Database>, username: string): Promise<Actor | null> {
  const user = await findUserByUsername(db, username);
  if (!user) return null;
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    schoolId: user.school_id,
    roles: user.roles.filter(isRole) as Role[],
  };
}

/**
 * One closed incident for the demo school, walked through the real workflow (so its audit
 * entries are real too): the demo pupil used a proxy site to get round the filter; the DSL and
 * the head investigated, judged it had substance, referred Pip to the Year leader as the pupils'
 * sanctions table suggests (and gave a warning)
 * and passed a learning point to the Online Safety Group. Nothing in it is about a real person.
 */
export async function addDemoIncidents(
  db: Kysely<Database>,
  school: School,
  now: Date,
): Promise<void> {
  const [dsl, head, pupil] = await Promise.all([
    demoActor(db, 'dsl'),
    demoActor(db, 'head'),
    findUserByUsername(db, 'pupil'),
  ]);
  if (!dsl || !head || !pupil || dsl.schoolId !== school.id) return;
  const incident = await reportConcern(
    db,
    dsl,
    {
      summary:
        'The class teacher saw Pip using a "free proxy" site in an ICT lesson to reach a game the filter blocks.',
      concernAbout: 'pupils',
      anonymous: false,
    },
    now,
  );
  const id = incident.id;
  await classifyIncident(
    db,
    dsl,
    id,
    {
      category: 'inappropriate-use',
      fourCs: ['conduct'],
      suspectedIllegal: false,
      incidentType: 'subverting-filtering',
    },
    now,
  );
  const personId = await linkPerson(db, dsl, id, { userId: pupil.id, role: 'instigator' }, now);
  await addIncidentInvestigator(db, dsl, id, dsl.userId, now);
  await addIncidentInvestigator(db, dsl, id, head.userId, now);
  await recordInvestigation(
    db,
    dsl,
    id,
    {
      designatedDevice: 'DSL office laptop (asset RW-0042)',
      urls: ['http://free-proxy.example/browse?u=games.example'],
      contentNature: 'A web proxy used to reach an online game blocked for Key Stage 2.',
    },
    now,
  );
  await recordJudgement(
    db,
    dsl,
    id,
    { judgement: 'substance', note: 'The filter log shows the proxy requests from Pip’s account.' },
    now,
  );
  await signOffJudgement(db, dsl, id, now);
  await signOffJudgement(db, head, id, now);
  await recordSanction(
    db,
    dsl,
    id,
    { personId, actionId: 'refer-head-of-department', note: 'Referred to the Year 5 leader.' },
    now,
  );
  await recordSanction(
    db,
    dsl,
    id,
    {
      personId,
      actionId: 'warning',
      note: 'A first warning, chosen as well as the table’s actions.',
    },
    now,
  );
  await recordOutcome(
    db,
    dsl,
    id,
    {
      actionsTaken: ['internal-response'],
      feedback: 'Pip and Pip’s parent were told the outcome; the class teacher was thanked.',
      support: 'A reminder of the pupil acceptable use agreement with the class teacher.',
    },
    now,
  );
  await addLearning(
    db,
    dsl,
    id,
    'Year 5 need a lesson on why proxies are blocked; ask the technician to add free-proxy sites to the local block list.',
    now,
  );
  await closeIncident(db, dsl, id, now);
}
