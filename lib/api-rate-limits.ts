import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { GATEWAY_ERRORS, gatewayErrorBody } from '../lambdas/api/gateway-responses';
import { API_RATE_LIMITS } from '../lambdas/platform-settings';

const THROTTLED_BODY = 'Throttled';

/**
 * Per-client rate limits (docs/design.md §6; issue 8): an AWS WAF web ACL on the API stage with two rate-based rules,
 * one keyed on the source IP and one on the `Authorization` header, so one noisy client (or a flood of random
 * bearer tokens, each an authorizer invocation) is refused at the edge while the others keep the stage's
 * shared throttle. A refused request gets 429 in the API's error shape, as API Gateway's own throttling does.
 */
export class ApiRateLimits extends Construct {
  public readonly webAcl: CfnWebACL;

  public constructor(scope: Construct, id: string, { stage }: { stage: Stage }) {
    super(scope, id);
    const window = API_RATE_LIMITS.evaluationWindowSeconds;
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      description: 'Per-client rate limits of the webhooks API',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [THROTTLED_BODY]: { contentType: 'APPLICATION_JSON', content: gatewayErrorBody('THROTTLED', '') },
      },
      visibilityConfig: visibility('WebhooksApi'),
      rules: [
        rateRule('PerSourceIp', 0, {
          aggregateKeyType: 'IP',
          limit: API_RATE_LIMITS.perIp,
          evaluationWindowSec: window,
        }),
        rateRule('PerAuthorizationHeader', 1, {
          aggregateKeyType: 'CUSTOM_KEYS',
          // the authorizer accepts one spelling only; normalising here too keeps every spelling of a key on one counter
          customKeys: [
            {
              header: {
                name: 'authorization',
                textTransformations: [
                  { priority: 0, type: 'LOWERCASE' },
                  { priority: 1, type: 'COMPRESS_WHITE_SPACE' },
                ],
              },
            },
          ],
          limit: API_RATE_LIMITS.perAuthorization,
          evaluationWindowSec: window,
        }),
      ],
    });
    new CfnWebACLAssociation(this, 'StageAssociation', { resourceArn: stage.stageArn, webAclArn: this.webAcl.attrArn });
  }
}

function visibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

function rateRule(
  name: string,
  priority: number,
  statement: CfnWebACL.RateBasedStatementProperty,
): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    statement: { rateBasedStatement: statement },
    action: {
      block: {
        customResponse: { responseCode: GATEWAY_ERRORS.THROTTLED.statusCode, customResponseBodyKey: THROTTLED_BODY },
      },
    },
    visibilityConfig: visibility(name),
  };
}
