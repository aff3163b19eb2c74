import { messageLength, messageText, type ChatMessageLike } from './chat-message';
import type { TaskKind } from './task-kind';

/*
 * Runs on every request, so it reads a bounded window: the start and the end of the last user message
 * (where instructions and questions sit) and the start of the system prompt. Lengths are summed without
 * reading the text. Each signal adds its weight once; the highest total of at least MIN_SCORE wins, ties
 * going to the more specific kind, and anything weaker is plain chat.
 */
const HEAD_CHARS = 6_000;
const TAIL_CHARS = 2_000;
const SYSTEM_CHARS = 2_000;
/** About 1,500 tokens: past that a pasted block is material to answer from, not conversation. */
const LONG_CONTEXT_CHARS = 6_000;
const MIN_SCORE = 2;
const TIE_ORDER: readonly Exclude<TaskKind, 'chat'>[] = ['code', 'rag', 'analysis', 'creative'];

type Signal = readonly [pattern: RegExp, weight: number];

const SIGNALS: Record<Exclude<TaskKind, 'chat'>, readonly Signal[]> = {
  code: [
    [/```/, 3],
    [/\b(?:def|fn|func)\s+\w+\s*\(|\bfunction\s*\w*\s*\(|=>\s*[{(]/, 2],
    [/\b(?:const|let|var)\s+\w+\s*=|^\s*(?:import|from)\s+[\w.@/'"{]+|^\s*#include\s*[<"]/m, 2],
    [/\bselect\s+[\w*,\s.]+\s+from\s+\w+/i, 2],
    [
      /\b(?:traceback|stack ?trace|exception|segfault|syntaxerror|typeerror|nullpointerexception|compile error)\b/i,
      2,
    ],
    [
      /\b(?:write|fix|debug|refactor|implement|optimi[sz]e|review)\b[^.?!\n]{0,40}\b(?:code|function|script|class|method|bug|program|query|regex|unit tests?|endpoint)\b/i,
      2,
    ],
    [
      /\b(?:python|javascript|typescript|golang|rust|java|c\+\+|c#|kotlin|swift|ruby|php|bash|sql|regex|dockerfile)\b/i,
      1,
    ],
    [/[;{}]\s*$/m, 1],
  ],
  rag: [
    [
      /\b(?:based on|according to|using|from|in) the (?:following|above|provided|attached|given|supplied) (?:context|documents?|text|passages?|articles?|sources?|excerpts?|information|material)\b/i,
      3,
    ],
    [/<(?:context|documents?|sources?)>|^\s*(?:context|sources?|documents?):/im, 2],
    [/\bcite (?:the |your )?sources?\b|\bwith citations\b/i, 1],
  ],
  analysis: [
    [
      /\b(?:analy[sz]e|analysis|compare|comparison|contrast|evaluate|assess|pros and cons|trade-?offs?|statistic(?:s|al)?|correlat\w*|trends?|forecast|insights?|kpis?|metrics)\b/i,
      2,
    ],
    [/\b(?:summari[sz]e|summary|tl;?dr)\b/i, 2],
    [/\b(?:dataset|data set|csv|spreadsheet|the data|these numbers|table below)\b/i, 1],
    [/(?:-?\d[\d.,%]*\s*[,;\t|]\s*){5,}/, 1],
  ],
  creative: [
    [
      /\b(?:write|compose|create|tell|draft|invent)\b[^.?!\n]{0,40}\b(?:poem|story|stories|song|lyrics|haiku|limerick|sonnet|tale|novel|screenplay|fable|joke|verse)s?\b/i,
      3,
    ],
    [
      /\b(?:once upon a time|fictional|fiction|imagine|in the style of|rhym(?:e|ing)|plot twist|protagonist)\b/i,
      1,
    ],
  ],
};

export function detectTask(messages: readonly ChatMessageLike[]): TaskKind {
  const lastUser = messages.findLast((message) => message.role === 'user');
  const system = messages.find((message) => message.role === 'system');
  const window = [boundedText(lastUser), messageText(system?.content ?? null).slice(0, SYSTEM_CHARS)].join(
    '\n',
  );

  const scores: Record<Exclude<TaskKind, 'chat'>, number> = { code: 0, rag: 0, analysis: 0, creative: 0 };
  for (const kind of TIE_ORDER) {
    for (const [pattern, weight] of SIGNALS[kind]) if (pattern.test(window)) scores[kind] += weight;
  }
  if (hasLongContext(messages, lastUser)) scores.rag += 3;

  let best: TaskKind = 'chat';
  let bestScore = MIN_SCORE - 1;
  for (const kind of TIE_ORDER) {
    if (scores[kind] > bestScore) {
      best = kind;
      bestScore = scores[kind];
    }
  }
  return best;
}

/** Material to answer from: a long block elsewhere in the conversation, or a long paste that ends in a question. */
function hasLongContext(
  messages: readonly ChatMessageLike[],
  lastUser: ChatMessageLike | undefined,
): boolean {
  const elsewhere = messages.some(
    (message) =>
      message !== lastUser &&
      message.role !== 'assistant' &&
      messageLength(message.content) >= LONG_CONTEXT_CHARS,
  );
  if (elsewhere) return true;
  if (!lastUser || messageLength(lastUser.content) < LONG_CONTEXT_CHARS) return false;
  return messageText(lastUser.content).slice(-TAIL_CHARS).includes('?');
}

function boundedText(message: ChatMessageLike | undefined): string {
  const text = messageText(message?.content ?? null);
  if (text.length <= HEAD_CHARS + TAIL_CHARS) return text;
  return `${text.slice(0, HEAD_CHARS)}\n${text.slice(-TAIL_CHARS)}`;
}
