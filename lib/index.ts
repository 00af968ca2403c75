/** The package's entry: the construct a team adds to its own CDK app, and its props' types. */
export { WebhookPlatform, type WebhookPlatformProps } from './webhook-platform';
export type { AuthSettings, PlatformSettings } from './stack-config';
export type { DomainSettings, ExistingDomain, NewDomain } from './custom-domain';
export type { CatalogEntry } from '../lambdas/core/events/event-catalog';
