import {
  BasePathMapping,
  DomainName,
  EndpointType,
  SecurityPolicy,
  type IDomainName,
  type RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, RecordTarget, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';

/** A first segment of a path on the domain: letters, digits, `-`, `_`, `.` (API Gateway's base path rule). */
const BASE_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

interface Mounting {
  /**
   * Where the platform's routes start on the domain: none puts them at its root (`https://api.example.com/v2/webhooks`,
   * the console at `/console`); `webhooks` gives `https://api.example.com/webhooks/v2/webhooks`. The routes keep their
   * own `/v2`, so the typed client and the console work the same on any mount.
   */
  basePath?: string;
}

/** A new custom domain for the API: a regional API Gateway domain with the team's ACM certificate (its Region). */
export interface NewDomain extends Mounting {
  domainName: string;
  certificate: ICertificate;
  /** Adds an alias record for the domain in this zone. */
  hostedZone?: IHostedZone;
}

/** A custom domain the team already has (other APIs may be mapped on it already, at other base paths). */
export interface ExistingDomain extends Mounting {
  domain: IDomainName;
}

export type DomainSettings = NewDomain | ExistingDomain;

/** The API on the team's own domain (docs/design.md §14): the mapping, and the public URL everything else uses. */
export class CustomDomain extends Construct {
  public readonly domain: IDomainName;
  /** The platform's base URL on the domain, ending in `/` (the API's routes and the console are below it). */
  public readonly url: string;

  public constructor(
    scope: Construct,
    id: string,
    { settings, restApi }: { settings: DomainSettings; restApi: RestApi },
  ) {
    super(scope, id);
    if (settings.basePath !== undefined && !BASE_PATH.test(settings.basePath)) {
      throw new Error(
        `domain.basePath: "${settings.basePath}" must be path segments of letters, digits, "-", "_" or "." (no ` +
          `leading or trailing "/")`,
      );
    }
    this.domain =
      'domain' in settings
        ? settings.domain
        : new DomainName(this, 'Domain', {
            domainName: settings.domainName,
            certificate: settings.certificate,
            endpointType: EndpointType.REGIONAL,
            securityPolicy: SecurityPolicy.TLS_1_2,
          });
    new BasePathMapping(this, 'Mapping', {
      domainName: this.domain,
      restApi,
      stage: restApi.deploymentStage,
      ...(settings.basePath ? { basePath: settings.basePath } : {}),
    });
    if ('hostedZone' in settings && settings.hostedZone) {
      new ARecord(this, 'Alias', {
        zone: settings.hostedZone,
        recordName: settings.domainName,
        target: RecordTarget.fromAlias(new ApiGatewayDomain(this.domain)),
      });
    }
    this.url = `https://${this.domain.domainName}/${settings.basePath ? `${settings.basePath}/` : ''}`;
  }
}
