import { describe, expect, inject, it } from 'vitest';
import { runSoak } from '../../bench/soak';

describe('Soak under faults (short version of npm run soak)', () => {
  it('accounts for every delivery: delivered and verified, or failed and in the DLQ; nothing lost, nothing ' +
    'misdirected', async () => {
    // Act
    const report = await runSoak({
      events: 300,
      webhooksPerTenant: 3,
      crashes: 3,
      // enough faults for a 300-event run to meet them: failed sends, and half fanned-out events replayed from the DLQ
      sendFailureRate: 0.05,
      stuckRate: 0.02,
      dynamo: { endpoint: inject('dynamoEndpoint') },
      sqs: { endpoint: inject('sqsEndpoint') },
      timeoutMs: 150_000,
    });
    console.log('soak report', JSON.stringify(report));

    // Assess
    expect(report.pairsExpected).toBe(report.eventsPublished * 3);
    expect(report.pairsLost).toBe(0);
    expect(report.pairsDeliveredAndVerified + report.pairsFailedAndInDlq).toBe(report.pairsExpected);
    expect(report.poisonInEventsDlqWithReason).toBe(report.poisonPublished);
    expect(report.wrongTenantDeliveries).toBe(0);
    expect(report.unverifiableSignatures).toBe(0);
    expect(report.duplicatesWithDifferentWebhookId).toBe(0);
    expect(report.pairsUnderTwoWebhookIds).toBe(0);
    // tenant B's ordered webhook saw its events in order; its throttled one never more than its rate (+1) a second
    expect(report.orderedDeliveries).toBeGreaterThan(0);
    expect(report.orderViolations).toBe(0);
    // its ordered webhook that fails long enough to exhaust the schedule: each event delivered, or parked with its
    // reason and a failed record (issue 24 §1)
    expect(report.exhaustingOrdered.exhaustedInDlqWithReason).toBeGreaterThan(0);
    expect(report.exhaustingOrdered.lost).toBe(0);
    expect(report.exhaustingOrdered.delivered + report.exhaustingOrdered.exhaustedInDlqWithReason).toBe(
      report.exhaustingOrdered.expected,
    );
    expect(report.throttledBusiestSecond).toBeLessThanOrEqual(report.throttleRate + 1);
    expect(report.injectedSendFailures).toBeGreaterThan(0);
    expect(report.deliverCrashes).toBe(3);
    // the receiver really was hostile
    expect(Object.keys(report.receiverAnswers)).toEqual(expect.arrayContaining(['500', 'hang', 'reset', '429', '200']));
  }, 180_000);
});
