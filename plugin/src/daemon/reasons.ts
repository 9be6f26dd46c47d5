/** Why the daemon could not be used. Codes, not sentences: the UI words them in the user's language. */
export type UnreachableReason =
  | { code: 'not-running'; path: string }
  | { code: 'discovery-invalid'; path: string; detail: string }
  | { code: 'token-missing'; path: string }
  | { code: 'refused'; url: string }
  | { code: 'timeout'; url: string; seconds: number }
  | { code: 'http-error'; url: string; status: number; message: string; requestId?: string }
  | { code: 'bad-response'; url: string; detail: string }
  | { code: 'network'; url: string; detail: string };

export type UnreachableCode = UnreachableReason['code'];
