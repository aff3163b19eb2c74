import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseExportLine, type ExportHeader, type ExportedEvent, type ExportTrailer } from './export-format';

export interface ExportFileVisitor {
  onEvent(event: ExportedEvent): void;
}

export interface ExportFileSummary {
  header: ExportHeader | null;
  trailer: ExportTrailer | null;
  events: number;
  /** Lines that are not what the format allows where they stand (1-based line numbers). */
  malformed: Array<{ line: number; reason: string }>;
}

/** Reads an export file line by line (one line in memory at a time), handing each event over. */
export async function readExportFile(path: string, visitor: ExportFileVisitor): Promise<ExportFileSummary> {
  const summary: ExportFileSummary = { header: null, trailer: null, events: 0, malformed: [] };
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.length === 0) continue;
    const misplaced = (reason: string): void => {
      summary.malformed.push({ line: number, reason });
    };
    let line;
    try {
      line = parseExportLine(text);
    } catch (error) {
      misplaced(`line ${number} is not part of an export: ${(error as Error).message}`);
      continue;
    }
    if (summary.trailer) misplaced(`line ${number} follows the trailer`);
    if (line.kind === 'header') {
      if (number !== 1) misplaced(`line ${number} is a second header`);
      summary.header = line.header;
    } else if (line.kind === 'trailer') {
      summary.trailer = line.trailer;
    } else {
      summary.events += 1;
      visitor.onEvent(line.event);
    }
  }
  if (!summary.header) summary.malformed.push({ line: 1, reason: 'the file has no export header' });
  if (!summary.trailer)
    summary.malformed.push({ line: number, reason: 'the file ends before its trailer: it is truncated' });
  else if (summary.trailer.events !== summary.events) {
    summary.malformed.push({
      line: number,
      reason: `the trailer counts ${summary.trailer.events} events, the file holds ${summary.events}`,
    });
  }
  return summary;
}
