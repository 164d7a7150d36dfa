/**
 * Receipt photos go from the receiver's phone straight to S3 with a presigned POST: the policy
 * fixes the key, the type, the exact size and the SHA-256 the page computed, so S3 itself refuses
 * anything else. Signed here with the SDK's SigV4 signer (`@aws-sdk/s3-presigned-post` pins an
 * older S3 client than the hub's). Uploads land in the uploads bucket (no lock, gone after a day);
 * only the photos a committed receipt names are copied into the documents (records) bucket.
 */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { isNotFound, putDocument } from '../manifests/store.ts';
import { documentsBucket, uploadsBucket } from '../resources.ts';

export interface PresignedPost {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface StoredObject {
  readonly contentType: string;
  readonly bytes: number;
  /** Hex; the checksum S3 verified on upload. */
  readonly sha256?: string;
}

export interface ReceiptFiles {
  /** Where the page's script posts photos (its Content-Security-Policy allows this origin). */
  readonly uploadOrigin: string;
  /** A presigned POST of one upload into the uploads bucket. */
  presignPost(key: string, upload: { readonly contentType: string; readonly bytes: number; readonly sha256: string }, expiresInSeconds: number): Promise<PresignedPost>;
  /** An upload waiting in the uploads bucket. */
  head(key: string): Promise<StoredObject | undefined>;
  /** Copies an upload into the documents bucket under the same key (its checksum checked again on the way). */
  keep(key: string, upload: { readonly contentType: string; readonly sha256: string }): Promise<void>;
  /** Documents-bucket files (signatures). */
  put(key: string, body: Uint8Array, contentType: string, sha256: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
}


const amzDate = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function createS3ReceiptFiles(
  s3: S3Client,
  buckets: { readonly documents: string; readonly uploads: string },
  options: { readonly region: string; readonly endpoint?: string; readonly now?: () => Date },
): ReceiptFiles {
  const now = options.now ?? (() => new Date());
  const bucket = buckets.uploads;
  // Path style on a local endpoint (s3rver); the bucket's regional virtual host in AWS.
  const uploadUrl = options.endpoint ? `${options.endpoint.replace(/\/$/, '')}/${bucket}` : `https://${bucket}.s3.${options.region}.amazonaws.com`;
  return {
    uploadOrigin: new URL(uploadUrl).origin,
    async presignPost(key, upload, expiresInSeconds) {
      const [credentials, region] = await Promise.all([s3.config.credentials(), s3.config.region()]);
      const signingDate = now();
      const stamp = amzDate(signingDate);
      const fields: Record<string, string> = {
        key,
        'Content-Type': upload.contentType,
        'x-amz-server-side-encryption': 'AES256',
        // S3 checks the bytes against it; Object Lock buckets want a checksum with every write.
        'x-amz-checksum-algorithm': 'SHA256',
        'x-amz-checksum-sha256': Buffer.from(upload.sha256, 'hex').toString('base64'),
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': `${credentials.accessKeyId}/${stamp.slice(0, 8)}/${region}/s3/aws4_request`,
        'X-Amz-Date': stamp,
        ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
      };
      const policy = Buffer.from(
        JSON.stringify({
          expiration: new Date(signingDate.getTime() + expiresInSeconds * 1000).toISOString(),
          conditions: [{ bucket }, ...Object.entries(fields).map(([name, value]) => ({ [name]: value })), ['content-length-range', upload.bytes, upload.bytes]],
        }),
        'utf8',
      ).toString('base64');
      const signer = new SignatureV4({ credentials, region, service: 's3', sha256: s3.config.sha256, uriEscapePath: false });
      const signature = await signer.sign(policy, { signingDate });
      return { url: uploadUrl, fields: { ...fields, Policy: policy, 'X-Amz-Signature': signature } };
    },

    async head(key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        return {
          contentType: head.ContentType ?? 'application/octet-stream',
          bytes: head.ContentLength ?? 0,
          ...(head.ChecksumSHA256 ? { sha256: Buffer.from(head.ChecksumSHA256, 'base64').toString('hex') } : {}),
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async keep(key, upload) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new Error(`The upload ${key} has no body`);
      await putDocument(s3, buckets.documents, { key, body: await object.Body.transformToByteArray(), contentType: upload.contentType, sha256: upload.sha256 });
    },

    put: (key, body, contentType, sha256) => putDocument(s3, buckets.documents, { key, body, contentType, sha256 }),

    async get(key) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: buckets.documents, Key: key }));
        return object.Body ? await object.Body.transformToByteArray() : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}

/** Receipt files in the hub's uploads and documents buckets, with the endpoint local mode sets. */
export const receiptFilesFrom = (config: HubConfig, s3: S3Client): ReceiptFiles =>
  createS3ReceiptFiles(
    s3,
    { documents: resourceName(config, documentsBucket), uploads: resourceName(config, uploadsBucket) },
    { region: config.region, ...(config.endpoints.s3 ? { endpoint: config.endpoints.s3 } : {}) },
  );
