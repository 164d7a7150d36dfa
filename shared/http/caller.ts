/**
 * Who is calling: the licensee the API key belongs to, as resolved by the Lambda authorizer
 * (`functions/authorizer`) and handed to every protected route in the authorizer context; or a
 * person signed in to the console, who acts through the same use-cases (`shared/people/`).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';

/** The authorizer's context, as API Gateway passes it on (`requestContext.authorizer.lambda`). */
export const callerContextSchema = z.object({
  licenseeId: z.string().min(1),
  apiKeyId: z.string().min(1),
  /** A person who acted (signed in to the console) beside what they acted through; absent for an API key's own calls. */
  personId: z.string().min(1).optional(),
});

export type Caller = z.infer<typeof callerContextSchema>;

export function callerOf(event: APIGatewayProxyEventV2): Caller {
  const context = (event.requestContext as { authorizer?: { lambda?: unknown } }).authorizer?.lambda;
  const parsed = callerContextSchema.safeParse(context);
  if (!parsed.success) {
    // Only reachable when a route was wired without the authorizer: a deployment mistake, not the client's.
    throw new Error('Protected route invoked without an authorizer context');
  }
  return parsed.data;
}
