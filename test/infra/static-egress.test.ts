import { describe, expect, it } from 'vitest';
import { resourcesOfType, synthesizeWithContext } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

describe('Static egress addresses (context staticEgress)', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  const template = synthesizeWithContext({ staticEgress: true });
  const functions = resourcesOfType(template, 'AWS::Lambda::Function');
  const deliverLanes = functions.filter(([id]) =>
    /^DeliveryDeliver(SlowLane|Ordered|OrderedSlowLane)?[0-9A-F]{8}$/.test(id),
  );

  it('is off by default: no VPC, no NAT gateway, no function in a VPC', () => {
    // Act
    const plain = synthesizeWithContext({});

    // Assess
    expect(resourcesOfType(plain, 'AWS::EC2::VPC')).toEqual([]);
    expect(resourcesOfType(plain, 'AWS::EC2::NatGateway')).toEqual([]);
    expect(resourcesOfType(plain, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties.VpcConfig)).toEqual([]);
  });

  it(
    'sends every delivery out through two NAT gateways, each with an Elastic IP of the stack, named in the EgressIps ' +
      'output',
    () => {
      // Act
      const addresses = resourcesOfType(template, 'AWS::EC2::EIP').filter(([id]) => id.startsWith('EgressAddress'));
      const gateways = resourcesOfType(template, 'AWS::EC2::NatGateway');

      // Assess
      expect(addresses).toHaveLength(2);
      expect(gateways.map(([, gateway]) => gateway.Properties.AllocationId).sort()).toEqual(
        addresses.map(([id]) => ({ 'Fn::GetAtt': [id, 'AllocationId'] })).sort(),
      );
      expect(template.toJSON().Outputs.EgressIps.Value).toEqual({
        'Fn::Join': [',', addresses.map(([id]) => ({ 'Fn::GetAtt': [id, 'PublicIp'] }))],
      });
    },
  );

  it(
    'puts the four deliver lanes, and only them, in the private subnets with a security group that lets nothing ' +
      'in',
    () => {
      // Act
      const inVpc = functions.filter(([, fn]) => fn.Properties.VpcConfig).map(([id]) => id);
      const [[groupId, group]] = resourcesOfType(template, 'AWS::EC2::SecurityGroup') as [[string, any]];

      // Assess
      expect(inVpc.sort()).toEqual(deliverLanes.map(([id]) => id).sort());
      for (const [, fn] of deliverLanes)
        expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      expect(group.Properties.SecurityGroupEgress.map((rule: { FromPort: number }) => rule.FromPort).sort()).toEqual([
        443, 80,
      ]);
    },
  );

  it("reaches DynamoDB through a gateway endpoint, and records the VPC's traffic in flow logs", () => {
    // Assess
    const [[, endpoint]] = resourcesOfType(template, 'AWS::EC2::VPCEndpoint') as [[string, any]];
    expect(JSON.stringify(endpoint.Properties.ServiceName)).toContain('dynamodb');
    expect(endpoint.Properties.VpcEndpointType).toBe('Gateway');
    expect(resourcesOfType(template, 'AWS::EC2::FlowLog')).toHaveLength(1);
  });
});
