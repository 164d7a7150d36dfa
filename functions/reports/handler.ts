/**
 * GET /v1/reports/inventory-movements?from=&to=&format=csv|json: the caller's routine inventory
 * report. Small reports answer inline; one too large for a Lambda response (a busy year) is written
 * to the documents bucket and answered with a 303 to a short-lived link.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import { readConfig } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { preferredMediaType, readQuery } from '#shared/http/request.ts';
import { newYorkDate } from '#shared/manifests/new-york-time.ts';
import type { ReportExports } from '#shared/reports/exports.ts';
import { inventoryMovements, movementsCsv } from '#shared/reports/inventory-movements.ts';
import type { ReportDeps } from '#shared/reports/inventory-movements.ts';
import { movementsQuery } from '#shared/reports/representation.ts';
import { reportDeps } from '#shared/wiring/reports.ts';

export function createHandler(deps: ReportDeps & { readonly exports: ReportExports; readonly inlineLimitBytes: number; readonly now: () => Date }) {
  return httpHandler(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = callerOf(event);
    const query = readQuery(event, movementsQuery);
    const format = query.format ?? (preferredMediaType(event, ['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json');
    const rows = await inventoryMovements(deps, caller, query);
    const generatedAt = deps.now().toISOString();
    const body =
      format === 'csv' ? [...movementsCsv(rows)].join('') : JSON.stringify({ from: query.from, to: query.to, generatedAt, count: rows.length, items: rows });
    const contentType = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
    const filename = `inventory-movements-${newYorkDate(query.from)}-${newYorkDate(query.to)}.${format}`;
    const bytes = Buffer.from(body, 'utf8');
    if (bytes.length > deps.inlineLimitBytes) {
      const url = await deps.exports.put(`reports/${caller.licenseeId}/${ulid()}.${format}`, bytes, contentType, filename);
      return { statusCode: 303, headers: { location: url, 'cache-control': 'no-store' }, body: '' };
    }
    const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-store' };
    if (format === 'csv') headers['content-disposition'] = `attachment; filename="${filename}"`;
    return { statusCode: 200, headers, body };
  });
}

export const handler = createHandler(reportDeps(readConfig()));
