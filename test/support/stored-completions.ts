/**
 * Every completed request the log records, as a table expression with `request_id`, `user_id` and
 * `cost_micros`: a RequestCompleted on the request's own stream, or the completion the debit of its hold
 * carries (CreditsDebited schema 4). For checks in SQL; the product reads both with `asRequestCompleted`.
 */
export const STORED_COMPLETIONS = `(
  SELECT data->>'requestId' AS request_id, data->>'userId' AS user_id, (data->>'costMicros')::bigint AS cost_micros
    FROM events WHERE type = 'RequestCompleted'
  UNION ALL
  SELECT data->>'requestId', data->>'userId', (data->>'amountMicros')::bigint
    FROM events WHERE type = 'CreditsDebited' AND data ? 'request'
) AS completions`;
