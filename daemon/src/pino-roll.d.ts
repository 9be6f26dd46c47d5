// pino-roll ships no types; the part Hisho uses (see node_modules/pino-roll/pino-roll.js).
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';

  interface PinoRollOptions {
    file: string | (() => string);
    size?: number | string;
    frequency?: number | string;
    extension?: string;
    limit?: { count: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
    dateFormat?: string;
    mkdir?: boolean;
    mode?: number;
    sync?: boolean;
  }
  type RollStream = DestinationStream & {
    flush(cb?: (err?: Error) => void): void;
    end(): void;
    once(event: string, listener: () => void): void;
  };
  export default function build(options: PinoRollOptions): Promise<RollStream>;
}
