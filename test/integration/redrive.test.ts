import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, inject, it } from 'vitest';
import { drainQueue } from '../../local/queue-inspection';
import { localClientConfig } from '../../local/platform';
import { moveMessages } from '../../local/redrive';

describe('Function: moveMessages (the local replay, on fauxqs)', () => {
  it(
    'moves what the DLQ held when it started, and stops, even when every moved message comes straight ' + 'back',
    async () => {
      // Prepare: the worst consumer, the DLQ itself (poison that fan-out parks again at once)
      const client = new SQSClient(localClientConfig(inject('sqsEndpoint')));
      const { QueueUrl: dlqUrl } = await client.send(
        new CreateQueueCommand({ QueueName: `redrive-${randomUUID().slice(0, 8)}` }),
      );
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: ['a', 'b', 'c'].map((body) => ({
            Id: body,
            MessageBody: body,
            MessageAttributes: { failureReason: { DataType: 'String', StringValue: 'poison' } },
          })),
        }),
      );

      // Act
      const moved = await moveMessages(client, dlqUrl!, dlqUrl!);

      // Assess: three moves, not an endless loop; the three are still there, without their reason
      expect(moved).toBe(3);
      const after = await drainQueue(client, dlqUrl!);
      expect(after.map((message) => message.Body).sort()).toEqual(['a', 'b', 'c']);
      expect(after.every((message) => message.MessageAttributes?.failureReason === undefined)).toBe(true);
    },
  );
});
