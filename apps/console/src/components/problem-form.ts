import { useState } from 'react';
import { ApiProblem } from '../api/client';

/**
 * A form's failure: the messages of the fields a problem+json answer names go under those fields;
 * anything else (or a problem naming no field of the form) is shown above it.
 */
export function useProblem(fields: readonly string[]) {
  const [problem, setProblem] = useState<unknown>(null);
  const fieldError = (field: string) => (problem instanceof ApiProblem ? problem.on(field) : undefined);
  const named = problem instanceof ApiProblem && fields.some((field) => problem.on(field) !== undefined);
  const general =
    problem === null || named
      ? null
      : problem instanceof ApiProblem
        ? problem.message
        : 'The server could not be reached.';
  return { setProblem, fieldError, general };
}
