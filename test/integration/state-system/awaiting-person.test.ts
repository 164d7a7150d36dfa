/**
 * Steps waiting for a person in the state system's app, in DynamoDB Local: a licensee's list by
 * deadline (a sparse GSI1 entry), the overdue count GET /v1/me shows, and the count across
 * licensees the sweeper emits for the overdue alarm.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { stateSystemStatusOf } from '#shared/domain/submission/state-status.ts';
import { recordOutcome } from '#shared/domain/submission/submission.ts';
import type { PersonWait, Submission } from '#shared/domain/submission/submission.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { createSubmissionRepository, submissionItem } from '#shared/submissions/repository.ts';

const aws = createAwsClients(readConfig());
const repository = createSubmissionRepository(aws.dynamodb, hubTable.name);

const wait = (deadline: string, template: string): PersonWait => ({
  instruction: `Register template ${template} in Metrc: Transfers → Templates → Register`,
  where: { menuPath: ['Transfers', 'Templates', 'Register'] },
  resultKey: template,
  deadline,
});

/** A new manifest submission, as a transition's transaction writes it. */
async function committed(licenseeId: string): Promise<Submission> {
  const transferId = randomUUID();
  const submission: Submission = {
    id: `${transferId}-000002-manifest`,
    transferId,
    sequence: 2,
    step: 'manifest',
    licenseeId,
    system: 'metrc',
    status: 'pending',
    attempts: 0,
    createdAt: '2026-03-02T14:00:00.000Z',
    updatedAt: '2026-03-02T14:00:00.000Z',
    version: 1,
  };
  await aws.dynamodb.send(new PutCommand({ TableName: hubTable.name, Item: submissionItem(submission) }));
  return submission;
}

async function awaiting(licenseeId: string, deadline: string, template: string): Promise<Submission> {
  const next = recordOutcome(await committed(licenseeId), { kind: 'awaiting-person', wait: wait(deadline, template) }, '2026-03-02T14:01:00.000Z');
  expect(await repository.save(next)).toBe(true);
  return next;
}

describe('submissions waiting for a person', () => {
  it("lists a licensee's awaited submissions by deadline and counts those past it", async () => {
    const licenseeId = `lic-${randomUUID()}`;
    const later = await awaiting(licenseeId, '2026-03-03T09:00:00.000Z', 'HUB-LATER');
    const sooner = await awaiting(licenseeId, '2026-03-02T16:00:00.000Z', 'HUB-SOON');
    await awaiting(`lic-${randomUUID()}`, '2026-03-02T10:00:00.000Z', 'HUB-OTHER');

    const listed = await repository.awaitingPerson(licenseeId, 10);
    expect(listed.map((s) => [s.id, s.awaitingPerson?.resultKey])).toEqual([
      [sooner.id, 'HUB-SOON'],
      [later.id, 'HUB-LATER'],
    ]);
    expect(listed[0]).toMatchObject({ status: 'awaiting-person', awaitingPerson: { instruction: 'Register template HUB-SOON in Metrc: Transfers → Templates → Register' } });
    expect(await repository.countOverdue(licenseeId, new Date('2026-03-02T15:00:00.000Z'))).toBe(0);
    expect(await repository.countOverdue(licenseeId, new Date('2026-03-02T17:00:00.000Z'))).toBe(1);
    expect(await repository.countOverdue(licenseeId, new Date('2026-03-04T00:00:00.000Z'))).toBe(2);

    // Seen done in the state system: it leaves the list (the entry is sparse).
    expect(await repository.save(recordOutcome(sooner, { kind: 'succeeded' }, '2026-03-02T15:30:00.000Z'))).toBe(true);
    expect((await repository.awaitingPerson(licenseeId, 10)).map((s) => s.id)).toEqual([later.id]);
    expect(await repository.countOverdue(licenseeId, new Date('2026-03-04T00:00:00.000Z'))).toBe(1);
  });

  it('counts overdue transfers across licensees from their stored statuses, for the alarm', async () => {
    const at = new Date('2026-03-02T12:00:00.000Z');
    const before = await repository.countOverdueTransfers(at);
    const overdue = await awaiting(`lic-${randomUUID()}`, '2026-03-02T11:00:00.000Z', 'HUB-LATE');
    const onTime = await awaiting(`lic-${randomUUID()}`, '2026-03-02T13:00:00.000Z', 'HUB-ONTIME');
    for (const submission of [overdue, onTime]) await repository.saveStatus(submission.transferId, stateSystemStatusOf([submission]), submission.version);
    expect(await repository.countOverdueTransfers(at)).toBe(before + 1);

    const done = recordOutcome(overdue, { kind: 'succeeded' }, '2026-03-02T12:30:00.000Z');
    await repository.saveStatus(overdue.transferId, stateSystemStatusOf([done]), done.version);
    expect(await repository.countOverdueTransfers(at)).toBe(before);
  });
});
