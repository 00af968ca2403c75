import { parseArgs } from 'node:util';
import { freePort } from '../local/emulators';
import { runSoak } from './soak';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '10000' }, webhooks: { type: 'string', default: '3' } },
});

console.log(
  `Soak: ${values.events} events x ${values.webhooks} webhooks per tenant, ` +
    'chaotic receivers, deliver crashes, 1 % poison',
);
const report = await runSoak({
  events: Number(values.events),
  webhooksPerTenant: Number(values.webhooks),
  dynamo: { port: await freePort() },
  sqs: { port: 0 },
  timeoutMs: 3_600_000,
  log: (line) => console.log(line),
});
const { exhaustingOrdered, ...counts } = report;
console.table(counts);
console.log('ordered webhook that exhausts its schedule:', exhaustingOrdered);
const balanced =
  report.pairsLost === 0 &&
  report.pairsDeliveredAndVerified + report.pairsFailedAndInDlq === report.pairsExpected &&
  report.poisonInEventsDlqWithReason === report.poisonPublished &&
  report.wrongTenantDeliveries === 0 &&
  report.unverifiableSignatures === 0 &&
  report.duplicatesWithDifferentWebhookId === 0 &&
  report.pairsUnderTwoWebhookIds === 0 &&
  report.orderViolations === 0 &&
  report.exhaustingOrdered.lost === 0 &&
  report.exhaustingOrdered.exhaustedInDlqWithReason > 0 &&
  report.exhaustingOrdered.delivered + report.exhaustingOrdered.exhaustedInDlqWithReason ===
    report.exhaustingOrdered.expected &&
  report.throttledBusiestSecond <= report.throttleRate + 1;
console.log(balanced ? 'BALANCED: every delivery is accounted for.' : 'NOT BALANCED: see the counts above.');
process.exit(balanced ? 0 : 1);
