/**
 * AWS list prices, us-east-1, on-demand, as published in 2025 (free tiers ignored). Change them here; every
 * cost figure of the benchmark is derived from these.
 */
export const PRICES_USD = {
  sqsPerMillionRequests: 0.4,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  /** DynamoDB provisioned capacity (billingMode provisioned), per capacity-unit hour. */
  dynamoDbWriteCapacityUnitHour: 0.00065,
  dynamoDbReadCapacityUnitHour: 0.00013,
  /** The comparison the product is built against: EventBridge API destinations, per million invocations. */
  eventBridgeApiDestinationsPerMillion: 1.2,
} as const;

/** The share of provisioned capacity auto scaling keeps in use (its default target). */
export const PROVISIONED_UTILIZATION = 0.7;

/** What one write (read) unit costs when it comes from provisioned capacity used at PROVISIONED_UTILIZATION. */
export const provisionedPerMillion = (capacityUnitHour: number) =>
  (capacityUnitHour / 3600 / PROVISIONED_UTILIZATION) * 1e6;
