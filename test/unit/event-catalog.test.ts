import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG, EVENT_TYPES, PRODUCER_EVENT_TYPES, exampleData, isOperational } from '../../lambdas/core/event-catalog';

describe('Module: event-catalog', () => {
  it('tells the operational types (the platform publishes them) from the ones producers may publish', () => {
    expect(EVENT_TYPES.filter(isOperational)).toEqual(['webhook.disabled', 'delivery.exhausted', 'delivery.recovered']);
    expect(PRODUCER_EVENT_TYPES).toEqual(EVENT_TYPES.filter((type) => !isOperational(type)));
    expect(PRODUCER_EVENT_TYPES).toContain('verification.completed');
  });

  it('has one entry per type, in the same order, whose example is the data of that type', () => {
    expect(EVENT_CATALOG.map((entry) => entry.name)).toEqual(EVENT_TYPES);
    for (const entry of EVENT_CATALOG) expect(exampleData(entry.name as (typeof EVENT_TYPES)[number])).toBe(entry.example);
    expect(exampleData('webhook.disabled')).toEqual({ webhookId: expect.stringMatching(/^webhook_/), reason: expect.any(String) });
    expect(exampleData('delivery.recovered')).toEqual({ webhookId: expect.stringMatching(/^webhook_/), failingSince: expect.any(String) });
  });
});
