/**
 * Finished reports too large to answer inline: stored in the exports bucket (which forgets them
 * after a day) and handed out through a short-lived link.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const LINK_SECONDS = 300;

export interface ReportExports {
  /** Stores a finished report and returns a short-lived link to it. */
  put(key: string, body: Buffer, contentType: string, filename: string): Promise<string>;
}

export function createS3ReportExports(s3: S3Client, bucket: string): ReportExports {
  return {
    async put(key, body, contentType, filename) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ServerSideEncryption: 'AES256' }));
      return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: `attachment; filename="${filename}"` }), {
        expiresIn: LINK_SECONDS,
      });
    },
  };
}

