/**
 * Provider API keys at rest: AES-256-GCM under a 32-byte key kept in HISHO_HOME/secret.key
 * (created at first start, mode 0600, never logged). Each value gets a random 12-byte IV and
 * is stored as `v1:<iv>:<tag>:<ciphertext>` (base64url parts), so the format can change later
 * without guessing what an old value is.
 *
 * Losing secret.key loses the stored API keys (not the rest of the data): the assistants then
 * report that their key cannot be read and must be entered again.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const SECRET_KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

export interface SecretBox {
  encrypt(plaintext: string): string;
  /** Throws SecretError when the value is not ours (wrong key, tampered, unknown format). */
  decrypt(stored: string): string;
}

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new SecretError(`The secret key must be ${KEY_BYTES} bytes, not ${key.length}`);
  const k = Buffer.from(key); // own copy: the caller's buffer may be reused
  return {
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(':');
    },
    decrypt(stored) {
      const parts = stored.split(':');
      if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretError('The stored API key is not in a known format');
      const [, ivText, tagText, dataText] = parts as [string, string, string, string];
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretError('The stored API key is not in a known format');
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretError('The stored API key cannot be decrypted (the secret key changed or the value was altered); enter the key again');
      }
    },
  };
}

/**
 * Reads HISHO_HOME/secret.key, creating it (random, 0600) on first use. A file of the wrong size
 * is refused rather than replaced: replacing it would silently orphan every stored key.
 */
export async function loadSecretKey(file: string): Promise<Buffer> {
  try {
    const raw = await readFile(file);
    const key = raw.length === KEY_BYTES ? raw : Buffer.from(raw.toString('utf8').trim(), 'base64url');
    if (key.length !== KEY_BYTES) throw new SecretError(`${file} does not hold a ${KEY_BYTES}-byte key; move it away to create a new one (stored API keys must then be entered again)`);
    if (process.platform !== 'win32') await chmod(file, 0o600).catch(() => undefined);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    // link() creates the file with its whole content or not at all: a concurrent start keeps
    // whichever key got there first.
    await link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadSecretKey(file);
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
  return key;
}

/** "…abcd" — what the API shows of a key. */
export function last4(secret: string): string {
  return secret.length >= 8 ? `…${secret.slice(-4)}` : '…';
}
