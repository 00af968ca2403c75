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
  /** The comparison the product is built against: EventBridge API destinations, per million invocations. */
  eventBridgeApiDestinationsPerMillion: 1.2,
} as const;

export const LAMBDA_MEMORY_GB = 0.25;
