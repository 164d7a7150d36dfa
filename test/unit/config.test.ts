import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, resourceName } from '#shared/config.ts';
import { documentsBucket, hubTable, stateSubmissionsQueue } from '#shared/resources.ts';

const complete = {
  HUB_TABLE_NAME: 'hub-abc',
  IDEMPOTENCY_TABLE_NAME: 'idem-abc',
  DOCUMENTS_BUCKET_NAME: 'docs-abc',
  EXPORTS_BUCKET_NAME: 'exports-abc',
  UPLOADS_BUCKET_NAME: 'uploads-abc',
  STATE_SUBMISSIONS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/subs.fifo',
  STATE_SUBMISSIONS_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/1/subs-dlq.fifo',
};

describe('readConfig', () => {
  it('reads every resource name by the env var its definition names', () => {
    const config = readConfig({ ...complete, AWS_REGION: 'us-east-2' });

    expect(resourceName(config, hubTable)).toBe('hub-abc');
    expect(resourceName(config, documentsBucket)).toBe('docs-abc');
    expect(resourceName(config, stateSubmissionsQueue)).toBe(complete.STATE_SUBMISSIONS_QUEUE_URL);
    expect(config.region).toBe('us-east-2');
    expect(config.endpoints).toEqual({});
    expect(config.s3ForcePathStyle).toBe(false);
  });

  it('takes endpoint overrides for local mode', () => {
    const config = readConfig({
      ...complete,
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569',
      S3_FORCE_PATH_STYLE: 'true',
    });

    expect(config.endpoints).toEqual({ s3: 'http://127.0.0.1:4569' });
    expect(config.s3ForcePathStyle).toBe(true);
  });

  it('merges TRANSFER_RULES over the defaults, rule by rule, and refuses nonsense', () => {
    const config = readConfig({ ...complete, TRANSFER_RULES: '{"receivingVariance":{"threshold":0.03}}' });

    expect(config.transferRules.receivingVariance).toEqual({ enabled: true, threshold: 0.03 });
    expect(config.transferRules.maxLines.max).toBe(1000);
    expect(() => readConfig({ ...complete, TRANSFER_RULES: '{"noSuchRule":{}}' })).toThrow(/noSuchRule/);
    expect(() => readConfig({ ...complete, TRANSFER_RULES: '{"maxLines":{"max":5000}}' })).toThrow(/1000/);
    expect(() => readConfig({ ...complete, TRANSFER_RULES: '{not json' })).toThrow(/JSON/);
  });

  it('names every missing or malformed variable', () => {
    const { HUB_TABLE_NAME: _omitted, ...rest } = complete;
    const attempt = () => readConfig({ ...rest, STATE_SUBMISSIONS_QUEUE_URL: 'not a url' });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/HUB_TABLE_NAME/);
    expect(attempt).toThrow(/STATE_SUBMISSIONS_QUEUE_URL/);
  });
});
