import type { Kysely } from 'kysely';
import type { HavenConfig } from '../../config/config-schema.ts';
import type { Database } from '../../store/schema.ts';
import { createAlertDelivery, type AlertDelivery } from './alert-delivery.ts';
import { startAlertJobs, type AlertJobs } from './alert-jobs.ts';
import { createAlertPipeline, type AlertPipeline } from './alert-pipeline.ts';
import { webhookSecretFor } from './webhook-signing.ts';

/** The whole alert layer from the configuration: pipeline (a sink), delivery and jobs. */
export interface Alerting {
  readonly pipeline: AlertPipeline;
  readonly delivery: AlertDelivery;
  readonly jobs: AlertJobs;
  close(): Promise<void>;
}

export function startAlerting(options: {
  db: Kysely<Database>;
  config: Pick<HavenConfig, 'alerts'>;
  publicUrl: string;
  clock?: () => Date;
  log?: (level: 'info' | 'warn', message: string) => void;
}): Alerting {
  const { alerts } = options.config;
  const clock = options.clock ?? (() => new Date());
  const delivery = createAlertDelivery({
    smtp: alerts.smtp,
    webhookUrl: alerts.webhookUrl,
    publicUrl: options.publicUrl,
    webhookSecret: (schoolId) => webhookSecretFor(options.db, schoolId, clock()),
    log: options.log,
  });
  const pipeline = createAlertPipeline({
    db: options.db,
    delivery,
    clock: options.clock,
    log: options.log,
  });
  const jobs = startAlertJobs({
    db: options.db,
    delivery,
    clock: options.clock,
    escalationMinutes: alerts.escalationMinutes,
    digestTime: alerts.digestTime,
    log: options.log,
  });
  return {
    pipeline,
    delivery,
    jobs,
    async close() {
      await pipeline.close();
      await jobs.stop();
      delivery.close();
    },
  };
}
