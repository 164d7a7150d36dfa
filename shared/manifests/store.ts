/**
 * Issued manifest PDFs in the documents bucket. Keys are deterministic per shipper, transfer and
 * version and never written twice by the hub; in AWS the bucket's Object Lock retention also stops
 * anyone else from overwriting or deleting them for the retention period (see the stateful stack).
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface ManifestStore {
  put(key: string, pdf: Uint8Array, sha256: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** A short-lived GET URL that serves the PDF inline under `filename`. */
  downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string>;
}

export const manifestObjectKey = (shipperId: string, transferId: string, version: number) =>
  `manifests/${shipperId}/${transferId}/v${version}.pdf`;

const isNotFound = (error: unknown) =>
  error instanceof Error && (error.name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

export function createS3ManifestStore(s3: S3Client, bucket: string): ManifestStore {
  return {
    async put(key, pdf, sha256) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: pdf,
          ContentType: 'application/pdf',
          ServerSideEncryption: 'AES256',
          // S3 checks the bytes against the hash kept with the transfer (and Object Lock wants a checksum).
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          Metadata: { sha256 },
        }),
      );
    },

    async exists(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },

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
