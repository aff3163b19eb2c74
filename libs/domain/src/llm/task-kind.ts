/** What a request is mostly about; `auto` routing boosts models that are strong at it. */
export const TASK_KINDS = ['code', 'chat', 'rag', 'creative', 'analysis'] as const;

export type TaskKind = (typeof TASK_KINDS)[number];

export function isTaskKind(value: unknown): value is TaskKind {
  return typeof value === 'string' && (TASK_KINDS as readonly string[]).includes(value);
}
