/**
 * One logger and one tracer per process. Tracing switches itself off outside Lambda
 * (local mode, tests); logs are structured JSON everywhere.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = 'ny-transfer-hub';

export const logger = new Logger({ serviceName });
export const tracer = new Tracer({ serviceName });
