import { HttpStatus } from '@nestjs/common';
import { vetImageUrl, type ImageUrlLimits } from '@ops/domain';
import { OpenAiCompatibleError } from '@ops/infra/http';
import {
  imageUrlOf,
  type AnthropicContentBlock,
  type AnthropicImageBlock,
  type AnthropicRequest,
} from '@ops/infra/llm-upstream';

/**
 * Every image of a Messages request vetted by the policy chat completions follow (https to a public
 * host, or an inline image of a known type and size), in user turns and in tool results alike, with
 * each URL replaced by the re-serialised one that was checked: the request may go to Anthropic as it
 * is, so the vetting cannot wait for its OpenAI form.
 */
export function withVettedImages(request: AnthropicRequest, limits: ImageUrlLimits): AnthropicRequest {
  const vet = (block: AnthropicImageBlock, field: string): AnthropicImageBlock => {
    const verdict = vetImageUrl(imageUrlOf(block), limits);
    if ('problem' in verdict) {
      throw new OpenAiCompatibleError(
        HttpStatus.BAD_REQUEST,
        `${field} ${verdict.problem}`,
        'invalid_request_error',
        'invalid_image_url',
        field,
      );
    }
    return block.source.type === 'url' ? { ...block, source: { type: 'url', url: verdict.url } } : block;
  };
  const messages = request.messages.map((message, index) => {
    if (typeof message.content === 'string') return message;
    const content = message.content.map((block, blockIndex): AnthropicContentBlock => {
      const field = `messages.${index}.content.${blockIndex}`;
      if (block.type === 'image') return vet(block, `${field}.source`);
      if (block.type !== 'tool_result' || !Array.isArray(block.content)) return block;
      const results = block.content.map((part, partIndex) =>
        part.type === 'image' ? vet(part, `${field}.content.${partIndex}.source`) : part,
      );
      return { ...block, content: results };
    });
    return { ...message, content };
  });
  return { ...request, messages };
}
