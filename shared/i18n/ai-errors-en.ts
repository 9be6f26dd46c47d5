/**
 * The sentences a person reads when a call to an AI provider fails (spread into en.ts; ja in
 * ai-errors-ja.ts). `{who}` names the provider and model, e.g. "OpenAI (gpt-4o-mini)";
 * `{status}` and `{hint}` are the optional parts below, already filled in or empty.
 */
export const aiErrorsEn = {
  'ai.who.server': 'the model server at {server} ({model})',
  'ai.error.part.status': ' (HTTP {status})',
  'ai.error.part.hint': ': {hint}',

  'ai.error.unreachable': 'Could not reach {who}; check that the server is running and the base URL is right.',
  'ai.error.timeout': '{who} did not answer within {seconds} seconds; try again, or raise the timeout.',
  'ai.error.timeout.provider': '{who} did not answer in time; try again, or raise the timeout.',
  'ai.error.unauthorized': '{who} refused the API key (wrong, expired or without access to this model); set the correct key for the assistant.',
  'ai.error.rate-limited': '{who} is rate limiting requests; wait a moment and try again.',
  'ai.error.provider-error': '{who} had an internal error{status}; try again later.',
  'ai.error.bad-request': '{who} rejected the request{status}{hint}; check the model name and settings.',
  'ai.error.bad-response': '{who} sent a reply that could not be read (malformed or cut off); try again.',
  'ai.error.truncated': "{who}'s reply was cut off before it finished; try again.",
  'ai.error.schema-mismatch': "{who}'s answer did not have the expected structure ({reason}).",
  'ai.error.schema-mismatch.not-json': 'the reply was not valid JSON',
  'ai.error.cancelled': 'The request was cancelled.',
  'ai.error.key-missing': '{who} needs an API key; set one for this assistant.',
  'ai.error.key-missing.named': '{who} needs an API key; set one for the assistant "{name}".',
  'ai.error.no-secret-key': 'The daemon has no secret key to read stored API keys; restart it.',
  'ai.error.key-unreadable': 'The stored API key of "{name}" cannot be read (the secret key changed); enter the key again.',

  'ai.test.answered': '{name} answered ({provider}, {model}).',
  'ai.discussion.assistant-deleted': 'The assistant "{name}" is deleted; activate it (or end the discussion) and resume.',
  'ai.discussion.assistant-inactive': 'The assistant "{name}" is inactive; activate it (or end the discussion) and resume.',
  'ai.plan.schema-mismatch': '{sentence} No plan was stored; try again or rephrase the request.',
  'ai.plan.broke-rules': "The assistant's plan broke the plan rules twice ({problems}); no plan was stored. Try again or rephrase the request.",
} as const;
