import { describe, expect, it, vi } from 'vitest';
import type { DeliveryTask } from '../../lambdas/core/delivery';
import { FanOutService, type FanOutPorts } from '../../lambdas/core/fan-out-service';
import { aWebhook } from '../helpers/factories';

function setup({ firstTime = true } = {}) {
  const ports = {
    recordOnce: vi.fn<FanOutPorts['recordOnce']>().mockResolvedValue(firstTime),
    webhooksOf: vi.fn<FanOutPorts['webhooksOf']>().mockResolvedValue([
      aWebhook({ id: 'webhook_a' }),
      aWebhook({ id: 'webhook_b', events: ['document.uploaded', 'verification.completed'] }),
      aWebhook({ id: 'webhook_paused', active: false }),
      aWebhook({ id: 'webhook_other_type', events: ['document.uploaded'] }),
      aWebhook({ id: 'webhook_other_tenant', tenantId: 'globex' }),
    ]),
  };
  return { ports, service: new FanOutService(ports) };
}

const envelope = JSON.stringify({ tenantId: 'acme', id: 'evt_1', type: 'verification.completed', data: { verificationId: 'ver_1' } });

describe('Class: FanOutService', () => {
  it("queues one delivery per active webhook of the event's tenant subscribed to its type", async () => {
    // Prepare
    const { ports, service } = setup();

    // Act
    const result = await service.handle(envelope, 'message-1');

    // Assess
    expect(result).toMatchObject({ kind: 'fanned-out', eventId: 'evt_1' });
    const tasks: DeliveryTask[] = result.kind === 'fanned-out' ? result.tasks : [];
    expect(tasks.map((task) => task.webhookId)).toEqual(['webhook_a', 'webhook_b']);
    expect(JSON.parse(tasks[0]!.payload)).toEqual({ id: 'evt_1', type: 'verification.completed', data: { verificationId: 'ver_1' } });
    expect(ports.webhooksOf).toHaveBeenCalledWith('acme');
  });

  it('fans an event id out once: a second message with the same id plans no deliveries', async () => {
    const { ports, service } = setup({ firstTime: false });
    expect(await service.handle(envelope, 'message-2')).toEqual({ kind: 'duplicate', eventId: 'evt_1' });
    expect(ports.webhooksOf).not.toHaveBeenCalled();
  });

  it('answers poison with its reason and never stores or reads anything for it', async () => {
    const { ports, service } = setup();
    const result = await service.handle('{"tenantId":"acme","type":"nope","data":{}}', 'message-3');
    expect(result).toMatchObject({ kind: 'poison', reason: expect.stringContaining('type') });
    expect(ports.recordOnce).not.toHaveBeenCalled();
    expect(ports.webhooksOf).not.toHaveBeenCalled();
  });
});
