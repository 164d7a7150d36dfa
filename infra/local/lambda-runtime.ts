/**
 * Local stand-in for the Lambda runtime: loads the very handler modules CDK bundles (the `entry`
 * of each function definition), gives them a context with a real deadline, and ends an
 * invocation that outlives its timeout as Lambda would.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionDefinition } from '#shared/routes.ts';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaTimeoutError extends Error {
  override readonly name = 'LambdaTimeoutError';
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export function createLambdaContext(name: string, definition: FunctionDefinition, requestId: string = randomUUID()): Context {
  const deadline = Date.now() + definition.timeoutSeconds * 1000;
  const unsupported = () => {
    throw new Error('Callback-style completion is not supported; return a promise');
  };
  /* eslint-disable @typescript-eslint/no-deprecated -- Context still declares the callback-era members. */
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    memoryLimitInMB: String(definition.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
  /* eslint-enable @typescript-eslint/no-deprecated */
}

export class LocalLambdaRuntime {
  readonly #root: string;
  readonly #functions: Readonly<Record<string, FunctionDefinition>>;
  readonly #loaded = new Map<string, Promise<LambdaHandler>>();

  constructor(root: string, functions: Readonly<Record<string, FunctionDefinition>>) {
    this.#root = root;
    this.#functions = functions;
  }

  definition(name: string): FunctionDefinition {
    const definition = this.#functions[name];
    if (!definition) throw new Error(`Unknown function ${name}`);
    return definition;
  }

  /** Imports a handler module once, like a warm Lambda instance: module-scope setup runs once. */
  handler(name: string): Promise<LambdaHandler> {
    let loaded = this.#loaded.get(name);
    if (!loaded) {
      const entry = pathToFileURL(resolve(this.#root, this.definition(name).entry)).href;
      loaded = import(entry).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler`);
        return module.handler as LambdaHandler;
      });
      this.#loaded.set(name, loaded);
    }
    return loaded;
  }

  async invoke(name: string, event: unknown, requestId?: string): Promise<unknown> {
    const definition = this.definition(name);
    const handler = await this.handler(name);
    const context = createLambdaContext(name, definition, requestId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LambdaTimeoutError(`${name} timed out after ${definition.timeoutSeconds} s`)),
        context.getRemainingTimeInMillis(),
      );
    });
    try {
      return await Promise.race([handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
