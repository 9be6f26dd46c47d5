import type { assistantEndpoints } from '../../../shared/contracts/assistants';
import type { BodyOf } from '../../../shared/contracts/endpoint';
import type { personaEndpoints } from '../../../shared/contracts/personas';
import {
  assistantListSchema,
  assistantTestResultSchema,
  assistantViewSchema,
  noContentSchema,
  personaListSchema,
  personaOptionSchema,
  teamListSchema,
  type AssistantTestResult,
  type AssistantView,
  type PersonaOption,
  type TeamOption,
} from './assistant-schemas';
import type { DaemonClient } from './client';

export type AssistantCreateBody = BodyOf<typeof assistantEndpoints.create>;
export type AssistantUpdateBody = BodyOf<typeof assistantEndpoints.update>;
export type PersonaCreateBody = BodyOf<typeof personaEndpoints.create>;

/** The most a list endpoint returns at once; far more than one person configures. */
const LIST_LIMIT = 500;

/** The daemon's default provider call timeout (daemon/src/ai/retry.ts, DEFAULT_CALL_POLICY). */
const PROVIDER_TIMEOUT_MS = 60_000;

/**
 * How long to wait for "test connection": the daemon tries a provider up to three times (429, 5xx,
 * dropped connections), each attempt bounded by the assistant's timeout, with backoff in between.
 */
export function testTimeoutMs(assistant: Pick<AssistantView, 'settings'>): number {
  return 3 * (assistant.settings.timeoutMs ?? PROVIDER_TIMEOUT_MS) + 20_000;
}

/** The assistants, personas and teams routes of the daemon, as the settings use them. */
export class AssistantsApi {
  constructor(private readonly client: DaemonClient) {}

  async list(): Promise<AssistantView[]> {
    return (await this.client.request('GET', `/api/v1/assistants?limit=${LIST_LIMIT}`, assistantListSchema)).items;
  }

  create(body: AssistantCreateBody): Promise<AssistantView> {
    return this.client.request('POST', '/api/v1/assistants', assistantViewSchema, body);
  }

  update(id: number, body: AssistantUpdateBody): Promise<AssistantView> {
    return this.client.request('PATCH', `/api/v1/assistants/${id}`, assistantViewSchema, body);
  }

  async remove(id: number): Promise<void> {
    await this.client.request('DELETE', `/api/v1/assistants/${id}`, noContentSchema);
  }

  /** One tiny real call through the assistant's provider; a refusal is `ok: false`, not an exception. */
  test(assistant: Pick<AssistantView, 'id' | 'settings'>): Promise<AssistantTestResult> {
    return this.client.withTimeout(testTimeoutMs(assistant)).request('POST', `/api/v1/assistants/${assistant.id}/test`, assistantTestResultSchema);
  }

  async personas(): Promise<PersonaOption[]> {
    return (await this.client.request('GET', `/api/v1/personas?limit=${LIST_LIMIT}`, personaListSchema)).items;
  }

  createPersona(body: PersonaCreateBody): Promise<PersonaOption> {
    return this.client.request('POST', '/api/v1/personas', personaOptionSchema, body);
  }

  async teams(): Promise<TeamOption[]> {
    return (await this.client.request('GET', `/api/v1/teams?limit=${LIST_LIMIT}`, teamListSchema)).items;
  }
}
