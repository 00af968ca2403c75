import type { DeliveryAttemptRequest } from '../../core/delivery/delivery-destination';
import { attributeParts, signedAttributes } from '../../core/delivery/destination-message';
import type { SigningSealers } from '../../core/webhooks/signing-keys';

/** A message attribute as both the SQS and the SNS SDK take it. */
interface StringAttribute {
  DataType: 'String';
  StringValue: string;
}

/**
 * An SQS or SNS message's signed attributes, in the SDKs' shape, and the texts the service counts against its size
 * limit: the body and every attribute's name, type and value.
 */
export async function signedMessageAttributes(
  { task, webhook, startedAt }: DeliveryAttemptRequest,
  sealers: SigningSealers,
): Promise<{ attributes: Record<string, StringAttribute>; sizedTexts: string[] }> {
  const attributes = await signedAttributes(task, webhook, startedAt, sealers);
  return {
    attributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    ),
    sizedTexts: [task.payload, ...attributeParts(attributes)],
  };
}
