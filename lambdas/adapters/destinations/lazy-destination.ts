import type {
  AttemptOutcome,
  DeliveryAttemptRequest,
  DeliveryDestination,
} from '../../core/delivery/delivery-destination';

/**
 * An adapter loaded on its first attempt: its module (and the SDK clients it brings) is a chunk of its own in the
 * deliver bundle (lib/function-code.ts splits on dynamic imports), so webhooks that never use the kind pay
 * nothing for it at cold start.
 */
export class LazyDestination implements DeliveryDestination {
  private adapter?: Promise<DeliveryDestination>;

  constructor(private readonly load: () => Promise<DeliveryDestination>) {}

  async attempt(delivery: DeliveryAttemptRequest): Promise<AttemptOutcome> {
    this.adapter ??= this.load();
    return (await this.adapter).attempt(delivery);
  }
}
