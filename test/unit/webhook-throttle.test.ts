import { describe, expect, it } from 'vitest';
import {
  MAX_THROTTLE_WAIT_SECONDS,
  WebhookThrottle,
  type ThrottleStore,
} from '../../lambdas/core/webhooks/webhook-throttle';
import { aWebhook } from '../helpers/factories';

/**
 * The repository's rule in memory: an idle webhook's slot is now, else the next free one, one interval apart;
 * nothing is reserved past `latestMs`.
 */
function memoryStore(): ThrottleStore & { nextSlotMs?: number } {
  const store: ThrottleStore & { nextSlotMs?: number } = {
    reserve: async (_webhook, nowMs, intervalMs, latestMs) => {
      const slot = store.nextSlotMs === undefined || store.nextSlotMs <= nowMs ? nowMs : store.nextSlotMs;
      if (slot > latestMs) return undefined;
      store.nextSlotMs = slot + intervalMs;
      return slot;
    },
  };
  return store;
}

describe('Class: WebhookThrottle', () => {
  describe('Method: admit', () => {
    const now = new Date('2026-12-01T00:00:00.000Z');

    it('lets every delivery of a webhook without a rate go at once, reserving nothing', async () => {
      const throttle = new WebhookThrottle({
        reserve: async () => {
          throw new Error('no reservation expected');
        },
      });
      expect(await throttle.admit(aWebhook(), now)).toEqual({ kind: 'now' });
    });

    it('spaces a burst at 2/s 0.5 s apart: first now, second after a wait, the rest at their slots', async () => {
      // Prepare: a clock that the waits move on
      const waits: number[] = [];
      let clock = now.getTime();
      const throttle = new WebhookThrottle(
        memoryStore(),
        async (ms) => void (waits.push(ms), (clock += ms)),
        () => clock,
      );
      const webhook = aWebhook({ throttleRate: 2 });

      // Act: five deliveries arrive at the same instant
      const admissions = [];
      for (let index = 0; index < 5; index += 1) admissions.push(await throttle.admit(webhook, now));

      // Assess: no two slots closer than 500 ms, none handed out twice
      expect(admissions).toEqual([
        { kind: 'now' },
        { kind: 'now' },
        { kind: 'at', slotMs: now.getTime() + 1000 },
        { kind: 'at', slotMs: now.getTime() + 1500 },
        { kind: 'at', slotMs: now.getTime() + 2000 },
      ]);
      expect(waits).toEqual([500]);
    });

    it('gives up a slot it came back too late for (busy machine), takes a new one, so sends never bunch', async () => {
      // Prepare: the held slot passed 200 ms ago, more than a quarter of the 500 ms interval
      let clock = now.getTime();
      const reserved: number[] = [];
      const throttle = new WebhookThrottle(
        { reserve: async (_webhook, nowMs) => (reserved.push(nowMs), nowMs + 300) },
        async (ms) => void (clock += ms),
        () => clock,
      );

      // Act
      const admission = await throttle.admit(aWebhook({ throttleRate: 2 }), now, {
        at: new Date(now.getTime() - 200).toISOString(),
        rate: 2,
      });

      // Assess: a new slot 300 ms on, waited for
      expect(reserved).toEqual([now.getTime()]);
      expect(admission).toEqual({ kind: 'now' });
      expect(clock).toBe(now.getTime() + 300);
    });

    it('takes the slot a delivery already holds, waiting for it to the millisecond, not reserving again', async () => {
      const waits: number[] = [];
      let clock = now.getTime();
      const throttle = new WebhookThrottle(
        {
          reserve: async () => {
            throw new Error('no reservation expected');
          },
        },
        async (ms) => void (waits.push(ms), (clock += ms)),
        () => clock,
      );
      const held = { at: new Date(now.getTime() + 700).toISOString(), rate: 2 };
      expect(await throttle.admit(aWebhook({ throttleRate: 2 }), now, held)).toEqual({ kind: 'now' });
      expect(waits).toEqual([700]);
    });

    it('gives up a slot held at another rate: a changed rate binds the deliveries that wait', async () => {
      // Prepare: a slot 600 s away, reserved at 1/s; the webhook now takes 100/s and is idle at that rate
      const store = memoryStore();
      const throttle = new WebhookThrottle(
        store,
        async () => {},
        () => now.getTime(),
      );
      const held = { at: new Date(now.getTime() + 600_000).toISOString(), rate: 1 };

      // Act
      const faster = await throttle.admit(aWebhook({ throttleRate: 100 }), now, held);
      const unlimited = await throttle.admit(aWebhook(), now, held);

      // Assess
      expect(faster).toEqual({ kind: 'now' });
      expect(store.nextSlotMs).toBe(now.getTime() + 10);
      expect(unlimited).toEqual({ kind: 'now' });
    });

    it("gives up a slot of an earlier same-rate setting: set again after none, rate won't double (#24)", async () => {
      // Prepare: a slot 600 s away, reserved at 2/s under the setting of the day before; the rate was removed, then
      // set to 2/s again, and the webhook is idle under the new setting
      const store = memoryStore();
      const throttle = new WebhookThrottle(
        store,
        async () => {},
        () => now.getTime(),
      );
      const held = { at: new Date(now.getTime() + 600_000).toISOString(), rate: 2, since: '2026-11-30T00:00:00.000Z' };

      // Act
      const setAgain = await throttle.admit(
        aWebhook({ throttleRate: 2, throttleRateSince: '2026-12-01T00:00:00.000Z' }),
        now,
        held,
      );
      const sameSetting = await throttle.admit(aWebhook({ throttleRate: 2, throttleRateSince: held.since }), now, held);

      // Assess: the old slot is given up for one of the new setting; under its own setting it is kept
      expect(setAgain).toEqual({ kind: 'now' });
      expect(store.nextSlotMs).toBe(now.getTime() + 500);
      expect(sameSetting).toEqual({ kind: 'at', slotMs: now.getTime() + 600_000 });
    });

    it('refuses, with the reason, a delivery whose slot would be over 900 s away; reserves nothing', async () => {
      // Prepare: a backlog of 900 s at 1/s
      const store = memoryStore();
      store.nextSlotMs = now.getTime() + MAX_THROTTLE_WAIT_SECONDS * 1000;
      const throttle = new WebhookThrottle(store);
      const webhook = aWebhook({ throttleRate: 1 });

      // Act
      const last = await throttle.admit(webhook, now);
      const refused = await throttle.admit(webhook, now);

      // Assess
      expect(last).toEqual({ kind: 'at', slotMs: now.getTime() + 900_000 });
      expect(refused).toEqual({
        kind: 'refused',
        reason: "throttled: the webhook's backlog at 1/s would hold this delivery more than 900 s",
      });
      expect(store.nextSlotMs).toBe(now.getTime() + 901_000);
    });
  });
});
