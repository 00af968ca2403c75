import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api';
import { Console } from './console';
import { Delivery } from './delivery';
import { Monitoring } from './monitoring';
import { Recovery } from './recovery';
import type { WebhooksConfig } from './stack-config';
import { StaticEgress } from './static-egress';
import { Storage } from './storage';

export interface WebhooksStackProps extends StackProps {
  config: WebhooksConfig;
}

/**
 * The whole platform in one stack (docs/design.md §2): the table (stateful, retained), the subscribers' API, the
 * delivery pipeline and its alarms. Producers in other stacks get access with `delivery.grantPublish(role)`.
 */
export class WebhooksStack extends Stack {
  public readonly storage: Storage;
  public readonly api: Api;
  public readonly console: Console;
  public readonly delivery: Delivery;
  public readonly recovery: Recovery;
  public readonly monitoring: Monitoring;
  /** The VPC and fixed addresses of the deliver lanes (context staticEgress), when on. */
  public readonly egress?: StaticEgress;

  public constructor(scope: Construct, id: string, props: WebhooksStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.storage = new Storage(this, 'Storage', { config });
    // the pipeline first: some routes send to its queues
    const { table, dataKey } = this.storage;
    this.egress = config.staticEgress ? new StaticEgress(this, 'Egress', { logRetention: config.logRetention, dataKey }) : undefined;
    this.delivery = new Delivery(this, 'Delivery', { table, config, dataKey, egress: this.egress });
    this.recovery = new Recovery(this, 'Recovery', { table, config, deliveriesQueue: this.delivery.deliveriesQueue, dataKey });
    this.api = new Api(this, 'Api', {
      table,
      config,
      dataKey,
      queues: { platformEvents: this.delivery.platformEventsQueue, deliveries: this.delivery.deliveriesQueue, recoveries: this.recovery.queue },
    });
    this.console = new Console(this, 'Console', { restApi: this.api.restApi, logRetention: config.logRetention, dataKey });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api,
      delivery: this.delivery,
      recovery: this.recovery,
      table: this.storage.table,
      alarmEmail: config.alarmEmail,
      alarmTopicArn: config.alarmTopicArn,
    });
  }
}
