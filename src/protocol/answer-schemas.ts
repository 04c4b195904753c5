// The person's answer to a task's question, as the dashboard posts it (`POST /runs/{runId}/answers`).

import { z } from 'zod';

export const answerRequestSchema = z
  .strictObject({
    task: z.string().min(1).max(200).describe('the asking task: PRD-1/T2, or T2 when unique in the run'),
    text: z.string().min(1).max(20_000).describe('the answer, delivered to the waiting agent'),
  })
  .meta({ id: 'AnswerRequest' });

export const answerReplySchema = z
  .strictObject({ taskId: z.string(), messageId: z.string(), question: z.string() })
  .meta({ id: 'AnswerReply' });

export type AnswerRequest = z.infer<typeof answerRequestSchema>;
