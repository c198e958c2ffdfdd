import type { Kysely } from 'kysely';
import { usersWithRoleEverywhere, type AlertRecipient } from '../store/alert-repository.ts';
import type { Database } from '../store/schema.ts';
import type { SpoolPressure } from './event-writer.ts';

/**
 * Technical notices: things the technician must look at that are not safeguarding alerts — today,
 * the activity spool nearing its cap because the database has been unreachable for a while. A
 * notice is held in memory by the process that runs the filter node (the database may be the
 * thing that is down), shown to technicians on their home page (`GET /api/notices/technical`)
 * and in `/api/health`, and emailed to them once per episode; it clears itself when the spool
 * drains.
 */

export interface TechnicalNotice {
  /** Stable per kind of problem: one notice per id at a time. */
  readonly id: string;
  readonly level: 'warning' | 'error';
  readonly title: string;
  readonly detail: string;
  readonly since: Date;
}

export class TechnicalNotices {
  readonly #notices = new Map<string, TechnicalNotice>();

  /** Raise or update a notice; true when it is new (a new episode). */
  set(notice: Omit<TechnicalNotice, 'since'>, now: Date): boolean {
    const existing = this.#notices.get(notice.id);
    this.#notices.set(notice.id, { ...notice, since: existing?.since ?? now });
    return existing === undefined;
  }

  /** Clear a notice; true when there was one. */
  clear(id: string): boolean {
    return this.#notices.delete(id);
  }

  get(id: string): TechnicalNotice | undefined {
    return this.#notices.get(id);
  }

  list(): TechnicalNotice[] {
    return [...this.#notices.values()].sort((a, b) => a.since.getTime() - b.since.getTime());
  }
}

export const SPOOL_NOTICE_ID = 'activity-spool';

const MIB = 1_048_576;

function mib(bytes: number): string {
  return bytes >= 10 * MIB ? `${Math.round(bytes / MIB)} MiB` : `${(bytes / MIB).toFixed(1)} MiB`;
}

/** The notice for a spool under pressure. */
export function spoolNotice(
  pressure: SpoolPressure,
  spoolDir: string,
): Omit<TechnicalNotice, 'since'> {
  const percent = Math.round(pressure.ratio * 100);
  return {
    id: SPOOL_NOTICE_ID,
    level: pressure.full ? 'error' : 'warning',
    title: pressure.full
      ? 'Activity events are being dropped: the spool is full'
      : `The activity spool is ${percent} % full`,
    detail:
      `The database has not been reachable from the filter for a while, so activity events are ` +
      `kept on the filter's disk (${spoolDir}): ${mib(pressure.bytes)} of ${mib(pressure.cap)}. ` +
      (pressure.full
        ? 'New events are refused until the database answers again. '
        : 'When it is full, new events will be refused. ') +
      'Check the database server and the network between it and the filter; the spool is ' +
      'replayed by itself when the database answers (docs/operations.md "The activity spool").',
  };
}

export interface SpoolWatchOptions {
  readonly db: Kysely<Database>;
  readonly notices: TechnicalNotices;
  /** Sends the email (the alert delivery's SMTP). */
  readonly send: (
    recipients: readonly AlertRecipient[],
    subject: string,
    text: string,
  ) => Promise<{ emailed: string[]; emailError: string | null }>;
  readonly spoolDir: string;
  readonly clock?: () => Date;
  /** How often the technicians' addresses are read again (default 10 minutes). */
  readonly refreshMs?: number;
  readonly log?: (message: string) => void;
}

/**
 * Spool pressure → a technical notice and one email per episode. The technicians' addresses are
 * read while the database answers and kept, since the email is needed precisely when it does not.
 */
export class SpoolWatch {
  readonly #options: SpoolWatchOptions;
  readonly #clock: () => Date;
  #recipients: AlertRecipient[] = [];
  #timer: NodeJS.Timeout | null = null;
  #emailed = false;
  #sending: Promise<void> = Promise.resolve();

  constructor(options: SpoolWatchOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Read the technicians' addresses now and every `refreshMs`. Never throws. */
  async start(): Promise<void> {
    await this.#loadRecipients();
    const every = Math.max(1000, this.#options.refreshMs ?? 10 * 60_000);
    this.#timer = setInterval(() => void this.#loadRecipients(), every);
    this.#timer.unref();
  }

  async #loadRecipients(): Promise<void> {
    try {
      this.#recipients = await usersWithRoleEverywhere(this.#options.db, ['technician']);
    } catch {
      // the database is away: keep the addresses read last
    }
  }

  /** The writer passed the alert ratio (or filled up). */
  pressure(pressure: SpoolPressure): void {
    const notice = spoolNotice(pressure, this.#options.spoolDir);
    this.#options.notices.set(notice, this.#clock());
    if (this.#emailed) return;
    this.#emailed = true;
    const text = [
      notice.detail,
      '',
      'This is a technical notice from Haven for the IT provider / technician, not a safeguarding alert.',
      'You will get one email for this episode; the notice on your home page clears itself when the spool drains.',
    ].join('\n');
    this.#sending = this.#sending.then(async () => {
      const sent = await this.#options.send(this.#recipients, `Haven: ${notice.title}`, text);
      if (sent.emailError !== null)
        this.#options.log?.(`the spool notice could not be emailed: ${sent.emailError}`);
    });
  }

  /** The spool drained below the alert ratio: the episode is over. */
  cleared(): void {
    this.#options.notices.clear(SPOOL_NOTICE_ID);
    this.#emailed = false;
  }

  /** Resolves when the emails asked for so far have been sent (tests). */
  settled(): Promise<void> {
    return this.#sending;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
