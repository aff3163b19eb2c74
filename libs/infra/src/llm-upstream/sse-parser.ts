export interface SseEvent {
  /** The `event:` field, or `message` when the event named none. */
  event: string;
  data: string;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream grammar, minus `id`/`retry`, which
 * upstream LLM APIs do not use): feed it text as it arrives, in pieces of any size, and it returns the
 * events completed by each piece.
 */
export class SseParser {
  private pending = '';
  private eventType = '';
  private data = '';
  private hasData = false;
  /** A piece ended in `\r`: a `\n` opening the next piece belongs to the same line break. */
  private skipLeadingLf = false;
  private started = false;

  push(text: string): SseEvent[] {
    if (text.length === 0) return [];
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLeadingLf = text.endsWith('\r');

    const events: SseEvent[] = [];
    const buffer = this.pending + text;
    LINE_BREAK.lastIndex = 0;
    let lineStart = 0;
    let match: RegExpExecArray | null;
    while ((match = LINE_BREAK.exec(buffer)) !== null) {
      this.line(buffer.slice(lineStart, match.index), events);
      lineStart = match.index + match[0].length;
    }
    this.pending = buffer.slice(lineStart);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      if (this.hasData) events.push({ event: this.eventType || 'message', data: this.data });
      this.eventType = '';
      this.data = '';
      this.hasData = false;
      return;
    }
    if (line.charCodeAt(0) === 0x3a /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') {
      this.data = this.hasData ? `${this.data}\n${value}` : value;
      this.hasData = true;
    } else if (field === 'event') {
      this.eventType = value;
    }
  }
}
