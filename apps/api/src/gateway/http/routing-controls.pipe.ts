import { Injectable, type PipeTransform } from '@nestjs/common';
import {
  findModels,
  MODELS_ROUTE,
  routingControlsConflict,
  type ProviderId,
  type RoutingControls,
} from '@ops/domain';
import { FieldErrorsException } from '@ops/infra/http';
import { LlmCatalog } from '../routing/llm-catalog';
import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto';

/** A list the client left empty states no preference, as on OpenRouter. */
function listOf<T extends string>(values: readonly string[] | undefined): T[] | undefined {
  return values?.length ? (values as T[]) : undefined;
}

/** The request's routing controls as the router reads them; the DTO has checked every value. */
export function routingControlsOf(
  body: Pick<ChatCompletionRequestDto, 'models' | 'provider'>,
): RoutingControls {
  const { provider } = body;
  return {
    models: listOf(body.models),
    order: listOf<ProviderId>(provider?.order),
    only: listOf<ProviderId>(provider?.only),
    ignore: listOf<ProviderId>(provider?.ignore),
    allowFallbacks: provider?.allow_fallbacks,
    sort: provider?.sort,
  };
}

/**
 * What the DTO cannot know alone, after it has checked the shapes: whether each model of `models` is
 * in this node's catalog, and whether the controls contradict each other or the requested model. Each
 * refusal is a 400 naming the field, before anything is held or routed.
 */
@Injectable()
export class RoutingControlsPipe implements PipeTransform<ChatCompletionRequestDto> {
  constructor(private readonly catalog: LlmCatalog) {}

  transform(body: ChatCompletionRequestDto): ChatCompletionRequestDto {
    const models = body.models ?? [];
    const unknown = models.findIndex((name) => findModels(this.catalog.models, name).models.length === 0);
    if (unknown !== -1) {
      throw new FieldErrorsException([
        {
          field: 'models',
          message: `models[${unknown}] '${models[unknown]}' is not in the catalog (${MODELS_ROUTE} lists the models there are)`,
        },
      ]);
    }
    const conflict = routingControlsConflict(body.model, routingControlsOf(body));
    if (conflict) {
      throw new FieldErrorsException([
        { field: conflict.field, message: `${conflict.field} ${conflict.problem}` },
      ]);
    }
    return body;
  }
}
