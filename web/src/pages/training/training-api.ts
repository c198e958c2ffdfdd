/** What the training API answers (see src/api/routes/training-routes.ts). */
export type TrainingState = 'current' | 'due-soon' | 'expired' | 'missing';

export interface Course {
  id: string;
  slug: string;
  name: string;
  description: string;
  validityMonths: number | null;
  requiredRoles: string[];
  builtIn: boolean;
}

export interface TrainingRecordView {
  id: string;
  courseId: string;
  course: string;
  userId: string;
  name: string | null;
  completedOn: string;
  expiresOn: string | null;
  state: TrainingState;
  provider: string;
  evidence: string;
}

export interface AuditPerson {
  userId: string;
  name: string;
  roles: string[];
  gaps: number;
  courses: {
    courseId: string;
    course: string;
    required: boolean;
    state: TrainingState;
    completedOn: string | null;
    expiresOn: string | null;
  }[];
  needs: { id: string; need: string; createdAt: string }[];
}

export const stateLabels: Readonly<Record<TrainingState, string>> = {
  current: 'Current',
  'due-soon': 'Due within 60 days',
  expired: 'Expired',
  missing: 'Missing',
};
