/** SQS stand-in: local-aws-sqs on loopback (standard and FIFO queues, redrive to DLQs). */
import type { Server } from 'node:http';
import { createSqsServer } from 'local-aws-sqs';

export interface SqsLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startSqsLocal({ port }: { port: number }): Promise<SqsLocal> {
  const server: Server = await createSqsServer({
    port,
    hostname: '127.0.0.1',
    // Local restarts recreate queues at once; AWS's 60 s wait after a delete only gets in the way.
    emulateQueueCreationLifecycle: false,
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
