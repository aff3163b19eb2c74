import type { Response } from 'express';

/**
 * Server-sent events in the shapes the SDKs parse: OpenAI's `data: <json>` blocks with `data: [DONE]`
 * last, Anthropic's named events. Writes respect back-pressure, so a slow client slows the upstream
 * read instead of filling memory.
 */
export class SseWriter {
  constructor(private readonly response: Response) {}

  open(headers: Record<string, string>): void {
    this.response.status(200);
    this.response.set({
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.response.flushHeaders();
  }

  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  async data(payload: unknown): Promise<void> {
    await this.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  /** An event with a name, as Anthropic's streams send each one. */
  async event(name: string, payload: unknown): Promise<void> {
    await this.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** A comment line, which every SSE reader skips; `text` must hold no line break. */
  async comment(text: string): Promise<void> {
    await this.write(`: ${text}\n\n`);
  }

  async done(): Promise<void> {
    await this.write('data: [DONE]\n\n');
  }

  /** A client that stopped reading cannot hold a stream open past its end: drop its connection. */
  abandonIfStalled(): void {
    if (this.response.writableNeedDrain) this.response.destroy();
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }

  private write(text: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.response.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        this.response.off('drain', finish);
        this.response.off('close', finish);
        resolve();
      };
      this.response.once('drain', finish);
      this.response.once('close', finish);
    });
  }
}
