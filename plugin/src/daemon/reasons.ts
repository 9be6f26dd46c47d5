/** Why the daemon could not be used. Codes, not sentences: the UI words them in the user's language. */
export type UnreachableReason =
  | { code: 'not-running'; path: string }
  | { code: 'discovery-invalid'; path: string; detail: string }
  | { code: 'token-missing'; path: string }
  | { code: 'refused'; url: string }
  | { code: 'timeout'; url: string; seconds: number }
  /** errorCode: the daemon's code for it (`error.code` of its answer), when the answer had one. */
  | { code: 'http-error'; url: string; status: number; message: string; errorCode?: string; requestId?: string }
  | { code: 'bad-response'; url: string; detail: string }
  | { code: 'network'; url: string; detail: string };

export type UnreachableCode = UnreachableReason['code'];

/** The daemon's error code for a 503 while it cannot reach its database (it retries; the request may be sent again). */
export const DATABASE_UNAVAILABLE = 'database_unavailable';
