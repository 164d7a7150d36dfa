/**
 * /v1/people: a licensee's people, invitations by e-mail (the invited person sets up the account
 * from the link in it), sending an invitation again, and revoking a person. With an API key; admins
 * in the console act through the same use-cases.
 */
import { readConfig } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { pathParameter, readJsonBody, readQuery } from '#shared/http/request.ts';
import { invitationBody, peopleListQuery, presentPerson } from '#shared/people/person.ts';
import type { PeopleDeps } from '#shared/people/use-cases.ts';
import { invitePerson, listPeople, resendInvitation, revokePerson } from '#shared/people/use-cases.ts';
import { peopleDeps } from '#shared/wiring/people.ts';

export function createHandler(deps: PeopleDeps) {
  return httpHandler(async (event) => {
    const caller = callerOf(event);
    switch (event.routeKey) {
      case 'POST /v1/people/invitations': {
        const person = await invitePerson(deps, caller, readJsonBody(event, invitationBody));
        return jsonResponse(201, presentPerson(person), { 'cache-control': 'no-store' });
      }
      case 'GET /v1/people': {
        const page = await listPeople(deps, caller, readQuery(event, peopleListQuery));
        return jsonResponse(200, { items: page.items.map(presentPerson), ...(page.cursor ? { cursor: page.cursor } : {}) }, { 'cache-control': 'no-store' });
      }
      case 'POST /v1/people/{id}/revoke': {
        const person = await revokePerson(deps, caller, pathParameter(event, 'id'));
        return jsonResponse(200, presentPerson(person), { 'cache-control': 'no-store' });
      }
      case 'POST /v1/people/{id}/resend-invitation': {
        const person = await resendInvitation(deps, caller, pathParameter(event, 'id'));
        return jsonResponse(200, presentPerson(person), { 'cache-control': 'no-store' });
      }
      default:
        throw new Error(`Route ${event.routeKey} is not a people route`);
    }
  });
}

export const handler = createHandler(peopleDeps(readConfig()));
