/** S3 stand-in: s3rver on loopback, storing objects as files under `directory`. */
import S3rver from 's3rver';

export interface S3Local {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Local({ port, directory }: { port: number; directory: string }): Promise<S3Local> {
  const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory });
  const address = await server.run();
  return { endpoint: `http://127.0.0.1:${address.port}`, stop: () => server.close() };
}
