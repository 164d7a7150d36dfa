/**
 * One logger per process; logs are structured JSON everywhere. No Powertools Tracer: the hub traces
 * no SDK call of its own, and Lambda's active tracing (see `HubFunction`) already records each
 * invocation with its initialization (the cold start) and invocation subsegments, so the tracer's
 * handler subsegment repeated them at the price of the X-Ray SDK in every bundle's cold start.
 */
import { Logger } from '@aws-lambda-powertools/logger';

const serviceName = 'ny-transfer-hub';

export const logger = new Logger({ serviceName });
