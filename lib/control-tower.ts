import { Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** What decides whether an acknowledged control fails for a deployment. */
export interface ControlTowerContext {
  logRetention: RetentionDays;
  apiGatewayLogging: 'off' | 'existing-account-role' | 'create-account-role';
  /** A customer-managed KMS key encrypts the table, queues and log groups. */
  customerManagedKey: boolean;
}

export interface ControlTowerAcknowledgement {
  control: string;
  /** The cfn-guard rule's name in @cdklabs/cdk-validator-cfnguard. */
  rule: string;
  reason: string;
  /** Whether the control fails for this deployment (an acknowledgement that is not needed is not made). */
  failsFor(context: ControlTowerContext): boolean;
}

const ONE_YEAR_DAYS = 365;

/**
 * The one list of AWS Control Tower proactive controls (run on every synth by @cdklabs/cdk-validator-cfnguard)
 * that this stack fails on purpose, each with its reason. Every other control passes; the infra tests check that
 * each control listed here still fails without its acknowledgement.
 */
export const CONTROL_TOWER_ACKNOWLEDGEMENTS: readonly ControlTowerAcknowledgement[] = [
  {
    control: 'CT.LAMBDA.PR.2',
    rule: 'lambda_function_public_access_prohibited_check',
    reason:
      'Every permission lets apigateway.amazonaws.com invoke a function only from this API: its SourceArn is the ' +
      "API's execute-api ARN, built with Fn::Join, which the rule cannot read as a reference. Nothing is public.",
    failsFor: () => true,
  },
  {
    control: 'CT.LAMBDA.PR.3',
    rule: 'lambda_inside_vpc_check',
    reason:
      "The functions call only AWS APIs and the receivers' public URLs, so a VPC adds NAT cost and cold-start time " +
      'and isolates nothing; context staticEgress puts the deliver lanes in a VPC with NAT when receivers need ' +
      'fixed source IPs.',
    failsFor: () => true,
  },
  {
    control: 'CT.CLOUDWATCH.PR.2',
    rule: 'cloudwatch_log_group_retention_period_check',
    reason:
      'Function logs are operational, not the audit trail (that is the delivery log in DynamoDB); context ' +
      'logRetentionDays sets the retention, 30 days by default for cost.',
    failsFor: (context) => context.logRetention < ONE_YEAR_DAYS,
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    rule: 'cloudwatch_log_group_encrypted_check',
    reason:
      'CloudWatch Logs encrypts every log group at rest with its own keys; context encryptionKey=customer-managed ' +
      'uses a KMS key of the stack instead.',
    failsFor: (context) => !context.customerManagedKey,
  },
  {
    control: 'CT.APIGATEWAY.PR.1',
    rule: 'api_gw_v1_execution_logging_enabled_check',
    reason:
      'Execution logging needs the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account), which the ' +
      'stack does not take over unless asked: context apiGatewayLogging turns it on.',
    failsFor: (context) => context.apiGatewayLogging === 'off',
  },
];

export const CFN_GUARD_PLUGIN = 'cdk-validator-cfnguard';

/**
 * Acknowledges each listed control this deployment fails, once, on the whole scope: a control applies to every
 * resource of its kind, and each acknowledged one concerns every such resource of the stack.
 */
export function acknowledgeControlTowerFindings(scope: Construct, context: ControlTowerContext): void {
  const acknowledgements = CONTROL_TOWER_ACKNOWLEDGEMENTS.filter((entry) => entry.failsFor(context));
  if (acknowledgements.length === 0) return;
  Validations.of(scope).acknowledge(
    ...acknowledgements.map(({ control, rule, reason }) => ({
      id: `${CFN_GUARD_PLUGIN}::${rule}`,
      reason: `${control}: ${reason}`,
    })),
  );
}
