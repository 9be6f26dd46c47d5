/**
 * The Discussions pane's strings, and the daemon's sentences about a running discussion
 * (`discussions.storage.*`) (spread into en.ts; ja in discussions-ja.ts).
 */
export const discussionsEn = {
  'command.start-discussion': 'Start a discussion about the selection',

  'discussions.new': 'New discussion',
  'discussions.list.loading': 'Loading discussions…',
  'discussions.back': 'All discussions',
  'discussions.retry': 'Try again',

  'discussions.status.active': 'Running',
  'discussions.status.paused': 'Paused',
  'discussions.status.completed': 'Completed',
  'discussions.status.terminated': 'Ended',

  'discussions.role.none': 'Not taking part',

  'discussions.state.thinking': 'Thinking',
  'discussions.state.speaking': 'Speaking',
  'discussions.state.waiting': 'Waiting',

  'discussions.closing': 'Closing the discussion…',

  'discussions.pause.user': 'Paused by you.',
  'discussions.pause.provider_failure': 'Paused because a provider failed. Resume to retry the turn.',
  'discussions.pause.restart': 'Paused after the daemon restarted. Resume to continue.',
  'discussions.pause.storage_failure': 'Paused because the database kept failing. Resume to continue from the last saved turn.',
  'discussions.stranded': 'This discussion is not running (it stopped on an error). Resume to continue from the last saved turn.',
  'discussions.storage.waiting': 'The discussion cannot be saved or read right now (a database error), so it waits and tries again by itself; nothing saved is lost.',
  'discussions.storage.pausing': 'The database has kept failing for several minutes, so the discussion will pause as soon as it can be saved again.',
  'discussions.storage.paused': 'Saving or reading the discussion failed {attempts} times in a row; nothing saved was lost.',
  'discussions.pausing': 'Pausing after this turn…',
  'discussions.ending': 'Ending after this turn…',

  'discussions.action.pause': 'Pause',
  'discussions.action.resume': 'Resume',
  'discussions.action.redirect': 'Change topic',
  'discussions.action.clarify': 'Add a message',
  'discussions.action.terminate': 'End discussion',
  'discussions.redirect.label': 'New topic',
  'discussions.clarify.label': 'Your message to the assistants',
  'discussions.clarify.send': 'Send',
  'discussions.terminate.confirm': 'End the discussion? It stops after the current turn, with a summary of where it stood.',
  'discussions.terminate.send': 'End now',
  'discussions.cancel': 'Cancel',

  'discussions.round': 'Round {round} of {max}',
  'discussions.meta.tokens': '{used} of {budget} tokens',
  'discussions.failed.schema': 'This turn failed and was skipped: {reason}',
  'discussions.failed.provider': 'The provider failed: {reason}',
  'discussions.turn.attempt': 'Attempt {attempt}',
  'discussions.you': 'You',
  'discussions.interruption.clarify': 'Message',
  'discussions.interruption.redirect': 'New topic: {topic}',
  'discussions.interruption.pause': 'Paused',
  'discussions.interruption.terminate': 'Asked to end',
  'discussions.transcript.empty': 'The moderator is about to open the discussion.',

  'discussions.save': 'Save as note',
  'discussions.saving': 'Saving…',
  'discussions.saved': 'Saved as {path}',

  'discussions.plan.draft': 'Draft a plan from the consensus',
  'discussions.plan.drafting': 'Drafting the plan…',
  'discussions.plan.assistant': 'Drafted by',
  'discussions.plan.drafted': 'Drafted the plan “{title}”; it is waiting for your review in Plans.',
  'discussions.plan.open': 'Open the plan',
  'discussions.plan.no-consensus': 'This discussion has no consensus to draft a plan from.',

  'discussions.link.connecting': 'Connecting…',
  'discussions.link.waiting': 'Connection lost. Reconnecting…',
  'discussions.link.reconnect': 'Reconnect now',

  'discussions.form.title': 'Title',
  'discussions.form.description.placeholder': 'What the assistants should know (the selected text, for example)',
  'discussions.form.assistants': 'Assistants',
  'discussions.form.assistants.loading': 'Loading assistants…',
  'discussions.form.assistants.none': 'No active assistants. Add some in the plugin settings first.',
  'discussions.form.persona.none': 'No persona',
  'discussions.form.stance': 'Stance',
  'discussions.form.stance.placeholder': 'For or against…',
  'discussions.form.settings': 'Settings',
  'discussions.form.max-rounds': 'Maximum rounds',
  'discussions.form.token-budget': 'Token budget',
  'discussions.form.language': 'Language',
  'discussions.form.consult-vault': 'Consult the vault',
  'discussions.form.start': 'Start discussion',
  'discussions.form.starting': 'Starting…',
} as const;
