import { DynamoCertificateNoticeRepository } from '../adapters/certificate-notice-repository';
import { loadConfig, required } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { logger } from '../adapters/observability';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { announceExpiringCertificates } from '../core/webhooks/certificate-notices';
import { publishOperationalEvents } from './delivery-plan-executor';

const config = loadConfig();
const store = new DynamoCertificateNoticeRepository(documentClient, config.TABLE_NAME);
const targets = {
  queues: new SqsQueues(sqsClient),
  platformEventsQueueUrl: required(config.PLATFORM_EVENTS_QUEUE_URL, 'PLATFORM_EVENTS_QUEUE_URL'),
};

/**
 * Once a day (an EventBridge schedule; locally on start and every 24 h): `webhook.certificate_expiring` for every
 * client certificate that came within 30, 7 or 1 days of its expiry since the last run, through the platform
 * events queue as the deliver lanes' operational events go.
 */
export async function handler(): Promise<{ announced: number; leftForNextRun: boolean }> {
  const run = await announceExpiringCertificates(store, (notices) => publishOperationalEvents(notices, targets), {
    now: new Date(),
  });
  if (run.leftForNextRun) logger.warn('certificate notices left for the next run', { announced: run.announced });
  else logger.info('certificate notices announced', { announced: run.announced });
  return run;
}
