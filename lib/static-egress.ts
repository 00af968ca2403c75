import { CfnOutput, Fn, Validations } from 'aws-cdk-lib';
import {
  CfnEIP,
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  NatProvider,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** A NAT gateway per Availability Zone: one zone's outage does not stop deliveries. */
const AVAILABILITY_ZONES = 2;

export interface StaticEgressProps {
  logRetention: RetentionDays;
  dataKey?: IKey;
}

/**
 * Where the deliver lanes run when receivers allowlist source IPs (context staticEgress): private subnets whose
 * only way out is a NAT gateway with an Elastic IP of the stack, so every delivery leaves from one of a few fixed
 * addresses (stack output EgressIps). DynamoDB is reached through a gateway endpoint (free, and no NAT traffic);
 * SQS through the NAT. Flow logs record the traffic. Costs money idle (two NAT gateways and their addresses), so
 * it is off by default.
 */
export class StaticEgress extends Construct {
  public readonly vpc: Vpc;
  public readonly securityGroup: SecurityGroup;
  public readonly subnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
  public readonly addresses: CfnEIP[];

  public constructor(scope: Construct, id: string, { logRetention, dataKey }: StaticEgressProps) {
    super(scope, id);
    this.addresses = Array.from(
      { length: AVAILABILITY_ZONES },
      (_, index) => new CfnEIP(this, `Address${index + 1}`, { domain: 'vpc' }),
    );
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: AVAILABILITY_ZONES,
      natGateways: AVAILABILITY_ZONES,
      natGatewayProvider: NatProvider.gateway({
        eipAllocationIds: this.addresses.map((address) => address.attrAllocationId),
      }),
      subnetConfiguration: [
        { name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Deliver', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: {
        All: {
          destination: FlowLogDestination.toCloudWatchLogs(
            new LogGroup(this, 'FlowLogs', { retention: logRetention, encryptionKey: dataKey }),
          ),
        },
      },
    });
    // outbound only, and only what a delivery or an AWS API call uses
    this.securityGroup = new SecurityGroup(this, 'Deliver', {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: 'Deliver lanes: HTTPS and HTTP out, nothing in',
    });
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to receivers and AWS APIs');
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(80), 'HTTP to receivers, where allowHttpUrls permits it');

    new CfnOutput(this, 'EgressIpsOutput', {
      description: 'The addresses deliveries leave from: give them to receivers that allowlist source IPs',
      value: Fn.join(
        ',',
        this.addresses.map((address) => address.attrPublicIp),
      ),
    }).overrideLogicalId('EgressIps');
  }

  /** What a function in these subnets needs, and the finding its managed policy raises. */
  public acknowledgeVpcAccess(fn: Construct): void {
    Validations.of(fn).acknowledge({
      id:
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/' +
        'AWSLambdaVPCAccessExecutionRole]',
      reason:
        'AWSLambdaVPCAccessExecutionRole grants only the network-interface actions Lambda needs to place the ' +
        'function in the VPC (create, describe, delete ENIs), the documented minimum.',
    });
  }
}
