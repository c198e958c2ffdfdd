/** A problem answer from the API (RFC 9457), with Haven's stable code. */
export interface Problem {
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.problem = problem;
  }
}

export interface School {
  id: string;
  slug: string;
  name: string;
  isDemo: boolean;
  timeZone: string;
}

export interface User {
  id: string;
  schoolId: string | null;
  username: string;
  displayName: string;
  email: string | null;
  roles: string[];
  groups: string[];
  yearGroup: string | null;
  staffRole: string | null;
  disabled: boolean;
  lockedUntil: string | null;
  hasPassword: boolean;
}

export interface Me {
  user: User;
  school: School | null;
  abilities: string[];
  csrfToken: string;
}

export interface Group {
  slug: string;
  name: string;
  kind: string;
  members: number;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
  hash: string;
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function request<T>(
  method: string,
  url: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = contentType;
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const problem = data as Partial<Problem>;
    throw new ApiError({
      title: problem.title ?? 'Something went wrong',
      status: response.status,
      detail: problem.detail ?? `The server answered ${response.status}.`,
      code: problem.code ?? 'HAVEN_UNKNOWN',
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
  }
  return data as T;
}

export const api = {
  get: <T>(url: string) => request<T>('GET', url),
  post: <T>(url: string, body?: unknown) => request<T>('POST', url, body ?? {}),
  postCsv: <T>(url: string, csv: string) => request<T>('POST', url, csv, 'text/csv'),
  put: <T>(url: string, body: unknown) => request<T>('PUT', url, body),
  patch: <T>(url: string, body: unknown) => request<T>('PATCH', url, body),
  delete: <T>(url: string) => request<T>('DELETE', url),
};
