import { HttpStatus } from '@nestjs/common';
import { vetImageUrl, type ImageUrlLimits } from '@ops/domain';
import { OpenAiCompatibleError } from '@ops/infra/http';
import {
  imageUrlOf,
  type AnthropicContentBlock,
  type AnthropicDocumentBlock,
  type AnthropicImageBlock,
  type AnthropicRequest,
  type AnthropicTextBlock,
} from '@ops/infra/llm-upstream';

/**
 * Every image of a Messages request vetted by the policy chat completions follow (https to a public
 * host, or an inline image of a known type and size), in user turns, tool results and documents
 * alike, and so is a PDF's URL, with each URL replaced by the re-serialised one that was checked: the
 * request may go to Anthropic as it is, so the vetting cannot wait for its OpenAI form.
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
  const vetParts = (parts: Array<AnthropicTextBlock | AnthropicImageBlock>, field: string) =>
    parts.map((part, index) => (part.type === 'image' ? vet(part, `${field}.${index}.source`) : part));
  const vetDocument = (block: AnthropicDocumentBlock, field: string): AnthropicDocumentBlock => {
    const { source } = block;
    if (source.type === 'url') {
      const checked = vet({ type: 'image', source }, `${field}.source`);
      return { ...block, source: checked.source as typeof source };
    }
    if (source.type !== 'content' || typeof source.content === 'string') return block;
    return { ...block, source: { ...source, content: vetParts(source.content, `${field}.source.content`) } };
  };
  const messages = request.messages.map((message, index) => {
    if (typeof message.content === 'string') return message;
    const content = message.content.map((block, blockIndex): AnthropicContentBlock => {
      const field = `messages.${index}.content.${blockIndex}`;
      if (block.type === 'image') return vet(block, `${field}.source`);
      if (block.type === 'document') return vetDocument(block, field);
      if (block.type !== 'tool_result' || !Array.isArray(block.content)) return block;
      return { ...block, content: vetParts(block.content, `${field}.content`) };
    });
    return { ...message, content };
  });
  return { ...request, messages };
}
