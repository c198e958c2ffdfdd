/**
 * One catalogue of every error Haven's API can answer with. Each has a stable code (scripts and
 * the UI rely on it), an HTTP status, a title, and a line for docs/errors.md. Routes throw
 * `HavenError`; one handler renders it as problem+json (RFC 9457).
 */
export const errorCatalogue = {
  HAVEN_VALIDATION: {
    status: 400,
    title: 'The request is not valid',
    doc: 'A field is missing or has the wrong form; `errors` lists each problem with its path.',
  },
  HAVEN_BAD_REQUEST: {
    status: 400,
    title: 'The request cannot be understood',
    doc: 'The body is not valid JSON or the wrong content type was sent.',
  },
  HAVEN_UNAUTHENTICATED: {
    status: 401,
    title: 'Sign in first',
    doc: 'The route needs a signed-in user and there is no valid session cookie.',
  },
  HAVEN_BAD_CREDENTIALS: {
    status: 401,
    title: 'Username or password is wrong',
    doc: 'Sign-in failed. After several failures in a row the account is locked for a while.',
  },
  HAVEN_ACCOUNT_LOCKED: {
    status: 423,
    title: 'This account is locked for now',
    doc: 'Too many failed sign-ins in a row. `retryAfterSeconds` says when to try again; an administrator can unlock it sooner.',
  },
  HAVEN_ACCOUNT_DISABLED: {
    status: 403,
    title: 'This account is switched off',
    doc: 'An administrator has disabled the account.',
  },
  HAVEN_CSRF: {
    status: 403,
    title: 'The request did not carry the session’s CSRF token',
    doc: 'State-changing requests must send the `x-csrf-token` header given by GET /api/me or POST /api/session.',
  },
  HAVEN_FORBIDDEN: {
    status: 403,
    title: 'You do not have permission to do this',
    doc: 'The signed-in user’s roles do not grant the ability the route needs, or the record belongs to another school.',
  },
  HAVEN_NOT_FOUND: {
    status: 404,
    title: 'Not found',
    doc: 'No route or record matches.',
  },
  HAVEN_CONFLICT: {
    status: 409,
    title: 'This conflicts with what is already there',
    doc: 'For example a username or group id that is already taken.',
  },
  HAVEN_WEAK_PASSWORD: {
    status: 422,
    title: 'Choose a stronger password',
    doc: 'Passwords need at least 10 characters; the demo password is accepted only in the demo school.',
  },
  HAVEN_IMPORT_REJECTED: {
    status: 422,
    title: 'The file was not imported',
    doc: 'One or more rows are invalid; `errors` names each by line number. Nothing from the file was imported.',
  },
  HAVEN_PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'The request body is too large',
    doc: 'Send a smaller body; imports larger than the limit should be split.',
  },
  HAVEN_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'This content type is not accepted here',
    doc: 'JSON routes take `application/json`; the people import takes `text/csv`.',
  },
  HAVEN_RATE_LIMITED: {
    status: 429,
    title: 'Too many attempts',
    doc: 'Too many sign-in attempts from this address; wait a minute.',
  },
  HAVEN_NOT_READY: {
    status: 503,
    title: 'Haven is starting or a component is down',
    doc: 'GET /api/health lists the components and which are not ready.',
  },
  HAVEN_INTERNAL: {
    status: 500,
    title: 'Something went wrong inside Haven',
    doc: 'An unexpected error; it was logged with the request id.',
  },
  // Temporary exemptions (FIL-6)
  HAVEN_EXEMPTION_REFUSED: {
    status: 422,
    title: 'This can never be exempted',
    doc: 'Illegal content (IWF, CTIRU, categories the policy marks illegal) and ways of getting round the filter cannot be unblocked by an exemption or a change request.',
  },
  // Casework: incidents
  HAVEN_EVIDENCE_REFUSED: {
    status: 422,
    title: 'No evidence may be stored for this incident',
    doc: 'Suspected child sexual abuse material (or other suspected illegal activity) is referred to the police: Haven never stores a copy.',
  },
} as const satisfies Record<string, { status: number; title: string; doc: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface ProblemField {
  /** Where the problem is: a JSON path such as `body.username`, or `line 4` in a file. */
  path: string;
  message: string;
}

export class HavenError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: readonly ProblemField[] | undefined;
  readonly extra: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: readonly ProblemField[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? errorCatalogue[code].title);
    this.name = 'HavenError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.errors = options.errors;
    this.extra = options.extra;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: readonly ProblemField[];
  [key: string]: unknown;
}

export function toProblem(error: HavenError, instance?: string): Problem {
  const entry = errorCatalogue[error.code];
  return {
    ...error.extra,
    type: `urn:haven:problem:${error.code.toLowerCase()}`,
    title: entry.title,
    status: entry.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}
