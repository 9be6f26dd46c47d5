import { z } from 'zod';
import { assistantEndpoints } from './assistants';
import { conversationEndpoints } from './conversations';
import { endpoint, type Endpoint } from './endpoint';
import { healthEndpoints } from './health';
import { librarianEndpoints } from './librarian';
import { metricsEndpoints } from './metrics';
import { personaEndpoints } from './personas';
import { preferenceEndpoints } from './preferences';
import { roleEndpoints } from './roles';
import { searchEndpoints } from './search';
import { teamEndpoints } from './teams';
import { vaultEndpoints } from './vaults';

export const API_PREFIX = '/api/v1';

export const systemEndpoints = {
  openapi: endpoint({ method: 'get', path: '/openapi.json', tag: 'system', summary: 'This OpenAPI document', response: z.record(z.string(), z.unknown()) }),
};

/** Every endpoint of the API; the daemon registers exactly these and the OpenAPI document lists them. */
export const API_ENDPOINTS: Record<string, Record<string, Endpoint>> = {
  health: healthEndpoints,
  system: systemEndpoints,
  metrics: metricsEndpoints,
  preferences: preferenceEndpoints,
  roles: roleEndpoints,
  personas: personaEndpoints,
  teams: teamEndpoints,
  vaults: vaultEndpoints,
  search: searchEndpoints,
  assistants: assistantEndpoints,
  conversations: conversationEndpoints,
  librarian: librarianEndpoints,
};
