/**
 * The list indexes, a page at a time: a shipper's outgoing transfers (GSI2, by creation), a
 * receiver's incoming and a transporter's carried ones (GSI3, GSI4, by manifest time).
 */
import { queryPage } from '../repositories/paging.ts';
import type { Page, PageCursors } from '../repositories/paging.ts';
import { withoutKeys } from '../repositories/keys.ts';
import type { TransferShape } from './transfer-items.ts';
import type { TransferTable } from './transactions.ts';

/** A transfer as a list index holds it. */
export type ListedTransfer = Pick<TransferShape, 'id' | 'shipperId' | 'status' | 'version' | 'createdAt' | 'updatedAt' | 'summary'>;

export interface ListOptions {
  readonly status?: string;
  /**
   * Rows whose manifest number, shipper or receiver name contains any of these spellings (DynamoDB's
   * `contains` tells case, so a caller passes the spellings it means). A page may then hold fewer
   * rows than `limit` and still have a cursor.
   */
  readonly search?: readonly string[];
  /** Inclusive bounds on creation (outgoing) or manifest time (incoming), ISO-8601. */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export async function listPage(
  table: TransferTable,
  cursors: PageCursors,
  index: 'GSI2' | 'GSI3' | 'GSI4',
  partition: string,
  options: ListOptions,
): Promise<Page<ListedTransfer>> {
  const pk = `${index}PK`;
  const sk = `${index}SK`;
  // The sort key starts with an ISO timestamp; '\uffff' closes the range after any id.
  const range =
    options.from && options.to
      ? { expression: `#sk BETWEEN :from AND :to`, values: { ':from': options.from, ':to': `${options.to}\uffff` } }
      : options.from
        ? { expression: `#sk >= :from`, values: { ':from': options.from } }
        : options.to
          ? { expression: `#sk <= :to`, values: { ':to': `${options.to}\uffff` } }
          : undefined;
  const spellings = [...new Set(options.search ?? [])].filter((text) => text !== '');
  const searched = spellings.length
    ? `(${spellings.flatMap((_, i) => ['#number', '#shipper', '#receiver'].map((field) => `contains(#summary.${field}, :search${i})`)).join(' OR ')})`
    : undefined;
  const filter = [options.status ? '#status = :status' : undefined, searched].filter(Boolean).join(' AND ') || undefined;
  const page = await queryPage(
    table.client,
    cursors,
    {
      TableName: table.tableName,
      IndexName: index,
      KeyConditionExpression: `#pk = :pk${range ? ` AND ${range.expression}` : ''}`,
      ...(filter ? { FilterExpression: filter } : {}),
      ExpressionAttributeNames: {
        '#pk': pk,
        ...(range ? { '#sk': sk } : {}),
        ...(options.status ? { '#status': 'status' } : {}),
        ...(searched ? { '#summary': 'summary', '#number': 'manifestNumber', '#shipper': 'shipperName', '#receiver': 'receiverName' } : {}),
      },
      ExpressionAttributeValues: { ':pk': partition, ...range?.values, ...(options.status ? { ':status': options.status } : {}), ...Object.fromEntries(spellings.map((text, i) => [`:search${i}`, text])) },
    },
    {
      limit: options.limit,
      ...(options.cursor ? { cursor: options.cursor } : {}),
      list: `transfers/${index}`,
      partitionAttribute: pk,
      partition,
      keyShape: ['PK', 'SK', pk, sk],
    },
  );
  return { ...page, items: page.items.map((item) => withoutKeys(item) as ListedTransfer) };
}
