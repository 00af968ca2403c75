import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';
import { matchesFilter } from '../../lambdas/core/events/event-filter';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let key: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  ({ key } = await platform.newTenant());
});
afterAll(() => platform.stop());

describe('GET /v2/event-types', () => {
  it('lists every subscribable type with a description, an example and whether it is operational', async () => {
    // Act
    const response = await platform.request('GET', '/v2/event-types', { key });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.data.map((type: { name: string }) => type.name)).toEqual(createEventCatalog().types);
    for (const type of response.body.data) {
      expect(Object.keys(type).sort()).toEqual(['description', 'example', 'name', 'operational']);
      expect(type.description.length).toBeGreaterThan(20);
      expect(typeof type.example).toBe('object');
    }
    const operational = response.body.data
      .filter((type: { operational: boolean }) => type.operational)
      .map((type: { name: string }) => type.name);
    expect(operational).toEqual([
      'webhook.disabled',
      'delivery.exhausted',
      'webhook.certificate_expiring',
      'delivery.recovered',
      'webhook.verified',
      'webhook.verification_failed',
    ]);
  });

  it(
    "gives the product's payload as the example of its own types, so a project filter can be tried on " + 'it',
    async () => {
      const { body } = await platform.request('GET', '/v2/event-types', { key });
      const completed = body.data.find((type: { name: string }) => type.name === 'verification.completed');
      expect(completed.example).toMatchObject({
        verificationId: expect.any(String),
        userId: expect.any(String),
        projectId: expect.any(String),
        status: 'completed',
        timestamp: expect.any(String),
        metadata: { documentType: expect.any(String), country: expect.any(String) },
      });
      expect(completed.description).toContain(completed.example.projectId);
      expect(
        matchesFilter(
          { projectId: [completed.example.projectId], 'metadata.country': [completed.example.metadata.country] },
          completed.example,
        ),
      ).toBe(true);
      const exhausted = body.data.find((type: { name: string }) => type.name === 'delivery.exhausted');
      expect(Object.keys(exhausted.example).sort()).toEqual([
        'attemptCount',
        'eventId',
        'eventType',
        'lastAttempt',
        'webhookId',
      ]);
    },
  );

  it('needs an API key like every route', async () => {
    const response = await platform.request('GET', '/v2/event-types');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });
});
