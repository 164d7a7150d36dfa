/**
 * The hub's compute: one function per definition in `shared/routes.ts`, the HTTP API in front of
 * them and the queue consumers. Holds no data, so it can be destroyed and redeployed at will.
 */
import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AUTHORIZER_CACHE_SECONDS, authorizer, functions, queueConsumers, routes } from '#shared/routes.ts';
import type { FunctionDefinition, QueueConsumerDefinition, RouteDefinition } from '#shared/routes.ts';
import { HubFunction } from './constructs/hub-function.ts';
import { resourceFor } from './stateful-stack.ts';
import type { StatefulResources } from './stateful-stack.ts';

/** A route or consumer that names any function of `StatelessStackProps.functions`, not only the shared ones. */
type Wiring<T extends { readonly function: string }> = Omit<T, 'function'> & { readonly function: string };

export interface StatelessStackProps extends StackProps {
  readonly resources: StatefulResources;
  /** Injectable for tests; each defaults to its definitions in `shared/routes.ts`. */
  readonly functions?: Readonly<Record<string, FunctionDefinition>>;
  readonly routes?: readonly Wiring<RouteDefinition>[];
  readonly queueConsumers?: readonly Wiring<QueueConsumerDefinition>[];
  /** The hub's public address (a custom domain) for manifests' QR codes; the API's own URL by default. */
  readonly publicBaseUrl?: string;
}

/** Keeps one runaway client from using up the account's Lambda concurrency; tune with real traffic. */
const THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** HTTP APIs support a subset of REST's `$context` variables, so the standard JSON format does not fit. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integration.latency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly functions: Readonly<Record<string, HubFunction>>;
  /** The API key authorizer of every route that is not public. */
  readonly authorizer: HubFunction;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { resources } = props;

    this.functions = Object.fromEntries(
      Object.entries<FunctionDefinition>(props.functions ?? functions).map(([name, definition]) => [
        name,
        new HubFunction(this, name, { definition, resources }),
      ]),
    );

    // The default stage is declared explicitly: the implicit one takes neither throttling nor access logs.
    this.api = new HttpApi(this, 'Api', { description: 'NY transfer hub', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    this.authorizer = new HubFunction(this, 'authorizer', { definition: authorizer, resources });
    const publicBaseUrl = props.publicBaseUrl ?? stage.url;
    for (const fn of [...Object.values(this.functions), this.authorizer]) fn.function.addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
    const apiKeyAuthorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', this.authorizer.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
    });

    for (const route of props.routes ?? routes) {
      const target = this.hubFunction(route.function);
      // Only a route declared public goes without the authorizer.
      const isPublic = route.auth === 'public';
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.method}${route.path}`, target.function),
        ...(isPublic ? {} : { authorizer: apiKeyAuthorizer }),
      });
      if (httpRoute && isPublic) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (auth: 'public' in shared/routes.ts): ${route.publicBecause ?? 'no reason given'}`,
        });
      }
    }

    for (const consumer of props.queueConsumers ?? queueConsumers) {
      const { queue } = resourceFor(resources.queues, consumer.queue);
      // Consumers report partial batch failures, so one bad record does not redeliver the batch.
      this.hubFunction(consumer.function).function.addEventSource(
        new SqsEventSource(queue, { batchSize: consumer.batchSize, reportBatchItemFailures: true }),
      );
    }

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the hub HTTP API' });
  }

  private hubFunction(name: string): HubFunction {
    const found = this.functions[name];
    if (!found) throw new Error(`No function named '${name}' is defined`);
    return found;
  }
}
