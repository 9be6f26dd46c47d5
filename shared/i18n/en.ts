/**
 * English UI strings. This file defines the message keys; every other language must provide
 * exactly these keys (see `Messages`). Placeholders are written `{name}`.
 */
export const en = {
  'status.checking': 'Hisho: checking…',
  'status.connected': 'Hisho: connected',
  'status.degraded': 'Hisho: degraded',
  'status.unreachable': 'Hisho: not reachable',
  'status.unauthorized': 'Hisho: token rejected',
  'status.tooltip.connected': 'Connected to the Hisho daemon {version} at {url}. Click to check again.',
  'status.tooltip.degraded': 'The Hisho daemon {version} answers, with reduced service. {parts} Click to check again.',
  'status.tooltip.unreachable': '{reason} Click to check again.',
  'status.tooltip.startable': '{reason} Click to start the daemon.',
  'status.tooltip.unauthorized': 'The daemon refused the token. Check the token in the plugin settings, or clear it to use the one on this computer. Click to check again.',
  'status.tooltip.checking': 'Checking the connection to the Hisho daemon…',

  'degraded.cache': 'The cache is down.',
  'degraded.database': 'The database is down.',

  'reason.not-running': 'The Hisho daemon is not running (no discovery file at {path}).',
  'reason.discovery-invalid': 'The discovery file at {path} could not be read: {detail}',
  'reason.token-missing': 'No token was found at {path}.',
  'reason.refused': 'Nothing answers at {url}; the daemon may have stopped.',
  'reason.timeout': 'The daemon at {url} did not answer within {seconds} seconds.',
  'reason.http-error': 'The daemon answered with an error ({status}): {message}',
  'reason.bad-response': 'The daemon sent an answer that could not be understood.',
  'reason.network': 'The daemon could not be reached: {detail}',
  'reason.launch-missing': 'This computer has no record of how to start it yet ({path} is missing). Run `hisho serve` once in a terminal, or install the service.',
  'reason.start-timeout': 'It did not answer within {seconds} seconds; see the logs in the Hisho folder.',

  'notice.connected': 'Hisho daemon connected, version {version}.',
  'notice.degraded': 'Hisho daemon {version} connected, with reduced service. {parts}',
  'notice.unreachable': 'Hisho daemon not reachable. {reason}',
  'notice.unauthorized': 'The Hisho daemon refused the token. Check the plugin settings.',
  'notice.daemon-starting': 'Starting the Hisho daemon…',
  'notice.daemon-start-failed': 'The Hisho daemon could not be started. {reason}',
  'notice.error': 'Hisho: {message}',
  'notice.error.unknown': 'Something went wrong. See the developer console for details.',

  'command.check-connection': 'Check daemon connection',
  'command.start-daemon': 'Start the daemon',
  'command.open-librarian': 'Open librarian AI',
  'command.open-discussions': 'Open discussions',
  'command.open-plans': 'Open plan approvals',

  'view.librarian.name': 'Librarian AI',
  'view.librarian.empty.title': 'Ask the librarian about your vault',
  'view.librarian.empty.body': 'The librarian knows your notes. Its answers, with links to the notes they come from, will appear here.',
  'view.discussions.name': 'Discussions',
  'view.discussions.empty.title': 'No discussions yet',
  'view.discussions.empty.body': 'Discussions among your AI assistants will appear here. You will be able to follow each turn and pause, redirect or end a discussion at any time.',
  'view.plans.name': 'Plan approvals',
  'view.plans.empty.title': 'No plans waiting for approval',
  'view.plans.empty.body': 'Plans to approve will appear here, with each version and what changed between them.',

  'connection.checking': 'Checking the connection to the daemon…',
  'connection.connected': 'Connected to the daemon ({version}).',
  'connection.degraded': 'Connected to the daemon ({version}), with reduced service. {parts}',
  'connection.unreachable': 'Not connected. {reason}',
  'connection.unauthorized': 'Not connected: the daemon refused the token.',
  'connection.retry': 'Check again',
  'connection.start': 'Start the daemon',
  'connection.starting': 'Starting…',
  'connection.install-service': 'Start it with the computer…',
  'connection.install-service.body': 'To start the daemon whenever your computer starts, run this command in a terminal. Run by an administrator on this system, it installs a system service; otherwise the daemon starts when you log in.',
  'connection.copy': 'Copy',
  'connection.copied': 'Copied',

  'settings.heading.connection': 'Connection',
  'settings.heading.display': 'Display',
  'settings.daemon-url.name': 'Daemon URL',
  'settings.daemon-url.desc': 'Leave empty to find the daemon running on this computer automatically.',
  'settings.daemon-url.invalid': 'Enter an http:// or https:// URL, or leave empty.',
  'settings.token.name': 'Token',
  'settings.token.desc': 'Leave empty to use the token the daemon saved on this computer.',
  'settings.language.name': 'Language',
  'settings.language.desc': 'The language of this plugin. Follows Obsidian unless you choose one.',
  'settings.language.auto': 'Same as Obsidian',
  'settings.language.en': 'English',
  'settings.language.ja': '日本語',
  'settings.check.name': 'Connection status',
  'settings.check.button': 'Check now',
} as const;

export type MessageKey = keyof typeof en;

/** A complete set of UI strings: a missing or extra key is a compile error. */
export type Messages = { readonly [K in MessageKey]: string };
