/**
 * Reading Server-Sent Events (text/event-stream) from a fetch body. EventSource cannot send the
 * daemon's bearer token, so the plugin reads the stream itself: this parser takes the text as it
 * arrives, in chunks cut anywhere, and gives back each complete message.
 */

export interface SseMessage {
  /** `event:` ('message' when the server sent none). */
  event: string;
  /** The `data:` lines, joined with '\n'. */
  data: string;
}

export class SseParser {
  private pending = '';
  private event = '';
  private data: string[] = [];

  /** Feeds the next chunk of text; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    let text = this.pending + chunk;
    // A chunk that ends in '\r' may be half of '\r\n': wait for the next one to know.
    const heldCr = text.endsWith('\r');
    if (heldCr) text = text.slice(0, -1);
    const lines = text.split(/\r\n|\r|\n/);
    this.pending = (lines.pop() ?? '') + (heldCr ? '\r' : '');
    const out: SseMessage[] = [];
    for (const line of lines) {
      if (line === '') {
        if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue; // a comment (the daemon's heartbeat)
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
      // id and retry: the plugin reconnects on its own terms and needs neither.
    }
    return out;
  }
}
