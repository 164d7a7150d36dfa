/**
 * Issued manifest PDFs in the documents bucket. Keys are deterministic per shipper, transfer and
 * version and never written twice by the hub; in AWS the bucket's Object Lock retention also stops
 * anyone else from overwriting or deleting them for the retention period (see the stateful stack).
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface ManifestStore {
  /** `metadata`: kept with the object beside its hash (e.g. when a copy was fetched). */
  put(key: string, pdf: Uint8Array, sha256: string, metadata?: Readonly<Record<string, string>>): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** The stored object's hash, size, metadata and time; undefined when there is none. */
  describe(key: string): Promise<StoredDocument | undefined>;
  /** A short-lived GET URL that serves the PDF inline under `filename`. */
  downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string>;
}

export interface StoredDocument {
  readonly sha256: string;
  readonly bytes: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly storedAt?: string;
}

export const manifestObjectKey = (shipperId: string, transferId: string, version: number) =>
  `manifests/${shipperId}/${transferId}/v${version}.pdf`;

export const isNotFound = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'NotFound' || error.name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

/** Writes a document (manifest, receipt, signature): S3 checks the bytes against the hash the hub keeps, as Object Lock wants a checksum anyway. */
export async function putDocument(
  s3: S3Client,
  bucket: string,
  document: { key: string; body: Uint8Array; contentType: string; sha256: string; metadata?: Readonly<Record<string, string>> },
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: document.key,
      Body: document.body,
      ContentType: document.contentType,
      ServerSideEncryption: 'AES256',
      ChecksumSHA256: Buffer.from(document.sha256, 'hex').toString('base64'),
      Metadata: { ...document.metadata, sha256: document.sha256 },
    }),
  );
}

export function createS3ManifestStore(s3: S3Client, bucket: string): ManifestStore {
  async function describe(key: string): Promise<StoredDocument | undefined> {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const metadata = head.Metadata ?? {};
      return { sha256: metadata['sha256'] ?? '', bytes: head.ContentLength ?? 0, metadata, ...(head.LastModified ? { storedAt: head.LastModified.toISOString() } : {}) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
  return {
    put: (key, pdf, sha256, metadata) => putDocument(s3, bucket, { key, body: pdf, contentType: 'application/pdf', sha256, ...(metadata ? { metadata } : {}) }),

    async exists(key) {
      return (await describe(key)) !== undefined;
    },

    describe,

    downloadUrl(key, filename, expiresInSeconds) {
      return getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentType: 'application/pdf',
          ResponseContentDisposition: `inline; filename="${filename}"`,
        }),
        { expiresIn: expiresInSeconds },
      );
    },
  };
}
