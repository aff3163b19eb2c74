import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_API_KEY = 'auth:accepts-api-key';

/**
 * Lets a route (or controller) accept a personal API key (`Authorization: Bearer sk-ops-...`) as well
 * as a JWT. Everywhere else an API key is refused: it is meant for the LLM gateway, not for the admin
 * API, and must not be able to manage keys or anything else.
 */
export const AcceptsApiKey = (): MethodDecorator & ClassDecorator => SetMetadata(ACCEPTS_API_KEY, true);
