import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per container. Request and event bodies are never logged: they carry secrets and customer data. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'webhooks' });
