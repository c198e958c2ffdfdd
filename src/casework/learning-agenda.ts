import type { Kysely } from 'kysely';
import { can } from '../access/abilities.ts';
import type { Actor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { findLearning, markLearningTaken } from '../store/incident-repository.ts';
import { findRegisterRow } from '../store/register-repository.ts';
import type { Database, IncidentLearning } from '../store/schema.ts';

/**
 * Learning from incidents goes to the Online Safety Group (policy "Responding to incidents"):
 * open learning points are the group's agenda for its next meeting, and once one has been
 * discussed it is marked as taken to that meeting (a row of the `osg-meetings` register), which
 * closes it. Marking needs both the learning points and the right to record the group's
 * meetings.
 */
export const OSG_MEETINGS_REGISTER = 'osg-meetings';

export async function takeLearningToMeeting(
  db: Kysely<Database>,
  actor: Actor,
  learningId: string,
  meetingId: string,
  now: Date,
): Promise<IncidentLearning> {
  const learning = await findLearning(db, learningId);
  if (!learning || !can(actor, 'incidents.learning.read', { schoolId: learning.school_id }))
    throw new HavenError('HAVEN_NOT_FOUND', 'There is no such learning point.');
  if (!can(actor, 'registers.roles.edit', { schoolId: learning.school_id }))
    throw new HavenError(
      'HAVEN_FORBIDDEN',
      'Recording what the Online Safety Group discussed needs the right to record its meetings.',
    );
  const meeting = await findRegisterRow(db, OSG_MEETINGS_REGISTER, meetingId);
  if (!meeting || meeting.school_id !== learning.school_id || meeting.archived_at !== null)
    throw new HavenError('HAVEN_VALIDATION', 'There is no such Online Safety Group meeting.', {
      errors: [
        {
          path: 'body.meetingId',
          message: 'choose a meeting from the Online Safety Group meetings register',
        },
      ],
    });
  return db.transaction().execute(async (trx) => {
    const taken = await markLearningTaken(trx, {
      id: learningId,
      meetingId,
      by: actor.userId,
      at: now,
    });
    if (!taken)
      throw new HavenError(
        'HAVEN_CONFLICT',
        'This learning point has already been taken to a meeting or closed.',
      );
    await audit(
      trx,
      actor,
      {
        action: 'incident.learning.taken-to-meeting',
        subjectType: 'incident',
        subjectId: learning.incident_id,
        schoolId: learning.school_id,
        detail: { learning: learningId, meeting: meetingId },
      },
      now,
    );
    return taken;
  });
}
