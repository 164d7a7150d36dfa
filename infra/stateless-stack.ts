/**
 * The hub's compute: one function per definition in `shared/routes.ts`, the HTTP API in front of
 * them and the queue consumers. Holds no data, so it can be destroyed and redeployed at will.
 */
import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AUTHORIZER_CACHE_SECONDS, authorizer, functions, queueConsumers, routes, schedules } from '#shared/routes.ts';
import type { FunctionDefinition, QueueConsumerDefinition, RouteDefinition, ScheduleDefinition } from '#shared/routes.ts';
import { stateSubmissionsQueue } from '#shared/resources.ts';
import { METRICS_NAMESPACE, OLDEST_PENDING_METRIC, OVERDUE_METRIC } from '#shared/submissions/metrics.ts';
import { HubFunction } from './constructs/hub-function.ts';
import { grantSendMail } from './constructs/mail.ts';
import type { StateSystemEndpoint } from './constructs/hub-function.ts';
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
  readonly schedules?: readonly Wiring<ScheduleDefinition>[];
  /** The NY-API the adapters call: the BioTrack sandbox unless `cdk.json` context says otherwise. */
  readonly stateSystem?: StateSystemEndpoint;
  /** The hub's public address (a custom domain) for manifests' QR codes; the API's own URL by default. */
  readonly publicBaseUrl?: string;
  /** The From address of the hub's e-mail: a verified SES identity (the address or its domain). */
  readonly mailSender?: string;
}

/** Until `-c mailSender=…` names a verified identity, SES refuses to send (sign-in e-mails fail, nothing else). */
export const defaultMailSender = 'no-reply@transfer-hub.example';

/** The state's NY-API sandbox (ny-api.md) and Metrc's New York sandbox (metrc.md §1); production is a context change. */
export const defaultStateSystemEndpoint: StateSystemEndpoint = {
  baseUrl: 'https://licensee-api.sandbox-ny.biotr.ac',
  tokenPath: '/oauth/token',
  authorizePath: '/oauth',
  metrcBaseUrl: 'https://sandbox-api-ny.metrc.com',
};

/** A submission older than this means the pipeline is stuck (the state system down, or a bug). */
const OLDEST_PENDING_ALARM_SECONDS = 15 * 60;

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
  /** Where the pipeline's alarms go; subscribe the on-call address to it. */
  readonly alerts: Topic;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { resources } = props;

    this.functions = Object.fromEntries(
      Object.entries<FunctionDefinition>(props.functions ?? functions).map(([name, definition]) => [
        name,
        new HubFunction(this, name, { definition, resources, stateSystem: props.stateSystem ?? defaultStateSystemEndpoint }),
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

    for (const [name, definition] of Object.entries<FunctionDefinition>(props.functions ?? functions)) {
      const fn = this.functions[name];
      if (definition.sendsMail && fn) grantSendMail(fn, props.mailSender ?? defaultMailSender);
    }

    this.authorizer = new HubFunction(this, 'authorizer', { definition: authorizer, resources });
    const publicBaseUrl = props.publicBaseUrl ?? stage.url;
    for (const fn of [...Object.values(this.functions), this.authorizer]) fn.function.addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
    const apiKeyAuthorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', this.authorizer.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
    });

    // Operator routes are signed with AWS credentials (SigV4) of a role allowed execute-api:Invoke.
    const operatorAuthorizer = new HttpIamAuthorizer();
    for (const route of props.routes ?? routes) {
      const target = this.hubFunction(route.function);
      // Only a route declared public goes without an authorizer.
      const isPublic = route.auth === 'public';
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.method}${route.path}`, target.function),
        ...(isPublic ? {} : { authorizer: route.auth === 'operator' ? operatorAuthorizer : apiKeyAuthorizer }),
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
        new SqsEventSource(queue, { batchSize: consumer.batchSize, reportBatchItemFailures: true, maxConcurrency: consumer.maxConcurrency }),
      );
    }

    for (const schedule of props.schedules ?? schedules) {
      new Rule(this, `Every${schedule.everyMinutes}m-${schedule.function}`, {
        description: schedule.description,
        schedule: Schedule.rate(Duration.minutes(schedule.everyMinutes)),
        targets: [new LambdaFunction(this.hubFunction(schedule.function).function, { retryAttempts: 0 })],
      });
    }

    this.alerts = new Topic(this, 'PipelineAlerts', {
      displayName: 'NY transfer hub: state-system pipeline alerts',
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    const alert = new SnsAction(this.alerts);
    const deadLetters = resourceFor(resources.queues, stateSubmissionsQueue).deadLetterQueue;
    if (deadLetters) {
      new Alarm(this, 'SubmissionsDeadLettered', {
        alarmDescription: 'State submissions are waiting in the DLQ: fix the cause, then `npm run redrive`.',
        metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alert);
    }
    new Alarm(this, 'SubmissionsRefused', {
      alarmDescription: 'The state system refused a submission for good: see GET /v1/transfers/{id}/submissions for its code and message.',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'SubmissionsFailed',
        dimensionsMap: { service: 'ny-transfer-hub' },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alert);
    new Alarm(this, 'OldestPendingSubmission', {
      alarmDescription: `A state submission has waited more than ${OLDEST_PENDING_ALARM_SECONDS / 60} minutes: the NY-API may be down or refusing.`,
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: OLDEST_PENDING_METRIC,
        dimensionsMap: { service: 'ny-transfer-hub' },
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: OLDEST_PENDING_ALARM_SECONDS,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // The sweeper reports every minute; silence means it is not running, which is as bad.
      treatMissingData: TreatMissingData.BREACHING,
    }).addAlarmAction(alert);
    new Alarm(this, 'OverdueSubmissions', {
      alarmDescription: "A step waits past its deadline for a person in the state system's own app: see the licensee's stateSystemAttention on GET /v1/me.",
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: OVERDUE_METRIC,
        dimensionsMap: { service: 'ny-transfer-hub' },
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // The oldest-pending alarm already says when the sweeper is silent.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alert);

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the hub HTTP API' });
  }

  private hubFunction(name: string): HubFunction {
    const found = this.functions[name];
    if (!found) throw new Error(`No function named '${name}' is defined`);
    return found;
  }
}
