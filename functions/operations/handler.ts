/**
 * Operator actions behind IAM (in local mode, the operator token): POST
 * /ops/state-submissions/redrive moves dead-lettered submissions back to the queue.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readConfig } from '#shared/config.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { readQuery } from '#shared/http/request.ts';
import { redriveDeadLetters, redriveQuery } from '#shared/submissions/redrive.ts';
import { redriveDeps } from '#shared/wiring/outbox.ts';

export function createHandler(deps: { readonly sqs: SQSClient; readonly queueUrl: string; readonly deadLetterUrl: string }) {
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const { max } = readQuery(event, redriveQuery);
    return jsonResponse(200, await redriveDeadLetters(deps.sqs, deps, { max }));
  });
}

export const handler = createHandler(redriveDeps(readConfig()));
