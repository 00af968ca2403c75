import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Api } from './api';
import { Console } from './console';
import { acknowledgeControlTowerFindings } from './control-tower';
import type { CatalogEntry } from '../lambdas/core/events/event-catalog';
import { CustomDomain, type DomainSettings } from './custom-domain';
import { Delivery } from './delivery';
import { Destinations } from './destinations';
import { EventCatalogLayer } from './event-catalog-layer';
import { Monitoring } from './monitoring';
import { Recovery } from './recovery';
import { CertificateNotices } from './certificate-notices';
import { Erasure } from './erasure';
import { parseConfig, type AuthSettings, type PlatformSettings, type WebhooksConfig } from './stack-config';
import { StaticEgress } from './static-egress';
import { Storage } from './storage';

/** Every prop is optional: without any, the platform is what `cdk deploy` of this repository gives. */
export interface WebhookPlatformProps {
  /**
   * The team's event types (`{name, description, example, schema?}`): they replace the product's, the platform's
   * operational types are added, and fan-out parks an event whose `data` does not match its type's JSON Schema.
   */
  eventTypes?: readonly CatalogEntry[];
  /**
   * The team's own domain for the API and the console: `{domainName, certificate, basePath?, hostedZone?}` creates an
   * API Gateway domain name, `{domain, basePath?}` maps onto one the team already has. The ApiUrl and ConsoleUrl
   * outputs, and so portal links, use it.
   */
  domain?: DomainSettings;
  /** The API's credentials: API keys, and the team's JWTs (`{issuer, audience, tenantClaim}`). Default: API keys. */
  auth?: AuthSettings;
  /** Subscribes this address to the alarm topic. */
  alarmEmail?: string;
  /** Notify this SNS topic instead of a new one. */
  alarmTopicArn?: string;
  /**
   * The settings of cdk.json's context, by the same names and with the same checks, each with its own type
   * (`maxWebhooksPerTenant: number`, `retryScheduleSeconds: number[]`, `billingMode: 'on-demand' | 'provisioned'`…).
   */
  settings?: Omit<PlatformSettings, 'auth' | 'alarmEmail' | 'alarmTopicArn' | 'stackName' | 'eventTypes'>;
}

/**
 * The whole webhook platform as one construct a team adds to its own stack (docs/design.md §2, §14): the table
 * (stateful, retained), the subscribers' API and console, the delivery pipeline and its alarms.
 *
 * ```ts
 * const webhooks = new WebhookPlatform(this, 'Webhooks', { alarmEmail: 'oncall@example.com' });
 * webhooks.grantPublish(producerRole);
 * webhooks.grantAdmin(backendRole); // the /admin API: tenants, keys, portal links, acting for a tenant
 * ```
 */
export class WebhookPlatform extends Construct {
  public readonly config: WebhooksConfig;
  public readonly storage: Storage;
  public readonly api: Api;
  public readonly console: Console;
  public readonly delivery: Delivery;
  public readonly recovery: Recovery;
  /** The daily job that announces client certificates about to expire. */
  public readonly certificateNotices: CertificateNotices;
  /** Tenant erasures' queue and worker (docs/design.md §16). */
  public readonly erasure: Erasure;
  public readonly monitoring: Monitoring;
  /** The role deliveries into customers' own queues, topics and buses go through. */
  public readonly destinations: Destinations;
  /** The VPC and fixed addresses of the deliver lanes (setting staticEgress), when on. */
  public readonly egress?: StaticEgress;
  /** The API on the team's domain (prop domain), when given. */
  public readonly customDomain?: CustomDomain;

  public constructor(scope: Construct, id: string, props: WebhookPlatformProps = {}) {
    super(scope, id);
    const config = (this.config = parseConfig(
      { ...props.settings, auth: props.auth, alarmEmail: props.alarmEmail, alarmTopicArn: props.alarmTopicArn },
      `${id} props`,
    ));
    this.storage = new Storage(this, 'Storage', { config });
    const { table, dataKey, secretsKey } = this.storage;
    this.egress = config.staticEgress
      ? new StaticEgress(this, 'Egress', { logRetention: config.logRetention, dataKey })
      : undefined;
    // the pipeline first: some routes send to its queues
    this.delivery = new Delivery(this, 'Delivery', { table, config, dataKey, secretsKey, egress: this.egress });
    this.recovery = new Recovery(this, 'Recovery', {
      table,
      config,
      deliveriesQueue: this.delivery.deliveriesQueue,
      dataKey,
    });
    this.certificateNotices = new CertificateNotices(this, 'CertificateNotices', {
      table,
      config,
      platformEventsQueue: this.delivery.platformEventsQueue,
      dataKey,
    });
    this.erasure = new Erasure(this, 'Erasure', { table, config, dataKey });
    this.api = new Api(this, 'Api', {
      table,
      config,
      dataKey,
      secretsKey,
      queues: {
        platformEvents: this.delivery.platformEventsQueue,
        deliveries: this.delivery.deliveriesQueue,
        recoveries: this.recovery.queue,
        erasures: this.erasure.queue,
      },
    });
    this.destinations = new Destinations(this, 'Destinations', {
      deliverFunctions: [
        this.delivery.deliverFunction,
        this.delivery.deliverSlowLaneFunction,
        this.delivery.deliverOrderedFunction,
        this.delivery.deliverOrderedSlowLaneFunction,
      ],
      apiFunctions: this.api.routeFunctions,
    });
    this.customDomain = props.domain
      ? new CustomDomain(this, 'Domain', { settings: props.domain, restApi: this.api.restApi })
      : undefined;
    if (this.customDomain) this.api.urlOutput.value = this.customDomain.url;
    this.console = new Console(this, 'Console', {
      restApi: this.api.restApi,
      logRetention: config.logRetention,
      dataKey,
      publicBaseUrl: this.customDomain?.url,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api,
      delivery: this.delivery,
      recovery: this.recovery,
      erasure: this.erasure,
      table,
      alarmEmail: config.alarmEmail,
      alarmTopicArn: config.alarmTopicArn,
    });
    if (props.eventTypes) {
      new EventCatalogLayer(this, 'EventCatalog', { eventTypes: props.eventTypes }).attachTo([
        ...this.api.routeFunctions,
        this.delivery.fanOutFunction,
      ]);
    }
    acknowledgeControlTowerFindings(this, {
      logRetention: config.logRetention,
      apiGatewayLogging: config.apiGatewayLogging,
      customerManagedKey: dataKey !== undefined,
    });
  }

  /** Where producers send events (SQS SendMessage, docs/design.md §7). */
  public get eventsQueue(): Queue {
    return this.delivery.eventsQueue;
  }

  public get table(): ITableV2 {
    return this.storage.table;
  }

  public get restApi(): RestApi {
    return this.api.restApi;
  }

  /** Lets a producer (a role or function, possibly in another stack) send events, and not receive them. */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.delivery.grantPublish(grantee);
  }

  /**
   * Lets the team's backend call the operator plane (`/admin`, docs/design.md §16) with SigV4: `execute-api:Invoke`
   * on exactly the admin methods, none of the tenants' `/v2` ones.
   */
  public grantAdmin(grantee: iam.IGrantable): iam.Grant {
    return this.api.grantAdmin(grantee);
  }
}
