import { HttpStatus, Injectable, UnprocessableEntityException } from '@nestjs/common';
import {
  diffLiteLlmPrices,
  type CatalogChangeSource,
  type ModelChange,
  type ModelTerms,
  type PriceImportDiff,
  llmCatalog,
} from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandBus } from '@nestjs/cqrs';
import { RunAggregateCommand } from '@ops/infra/event-sourcing/run-aggregate-command';
import { FieldErrorsException } from '@ops/infra/http';
import { createHash } from 'node:crypto';
import { LlmCatalog } from '../routing/llm-catalog';
import type { PriceImportDto } from './dto/price-import.dto';
import { checkedPriceListUrl, fetchPriceList } from './price-list-fetch';

/** How long an import waits for this replica to route on the new prices before answering anyway. */
const APPLY_WAIT_MS = 5_000;

interface TermsView {
  input_micros_per_million: string;
  output_micros_per_million: string;
  cache_read_micros_per_million: string | null;
  cache_write_micros_per_million: string | null;
  input_micros_per_million_above_200k: string | null;
  output_micros_per_million_above_200k: string | null;
  context_length: number;
  max_output_tokens: number;
  lifecycle: string;
  replacement: string | null;
}

export interface PriceImportView {
  dry_run: boolean;
  applied: boolean;
  /** The version the diff was computed against, or the new version once applied. */
  catalog_version: number;
  source: CatalogChangeSource;
  changes: { provider: string; model: string; before: TermsView; after: TermsView }[];
  unchanged: number;
  unmatched: Record<string, number>;
  unknown_providers: Record<string, number>;
  rejected: { key: string; problem: string }[];
}

function termsView(terms: ModelTerms): TermsView {
  return {
    input_micros_per_million: terms.inputMicrosPerMillion,
    output_micros_per_million: terms.outputMicrosPerMillion,
    cache_read_micros_per_million: terms.cacheReadMicrosPerMillion ?? null,
    cache_write_micros_per_million: terms.cacheWriteMicrosPerMillion ?? null,
    input_micros_per_million_above_200k: terms.inputMicrosPerMillionAbove200k ?? null,
    output_micros_per_million_above_200k: terms.outputMicrosPerMillionAbove200k ?? null,
    context_length: terms.contextLength,
    max_output_tokens: terms.maxOutputTokens,
    lifecycle: terms.lifecycle,
    replacement: terms.replacement,
  };
}

/**
 * An operator's price import: the list is read (inline or fetched from an allowed host), compared
 * with the catalog this replica routes on, and, unless a dry run, recorded as one catalog change on
 * the catalog stream, from which every replica's catalog follows.
 */
@Injectable()
export class PriceImportService {
  constructor(
    private readonly catalog: LlmCatalog,
    private readonly commands: CommandBus,
    private readonly config: GatewayConfig,
  ) {}

  async import(request: PriceImportDto, context: CommandContext): Promise<PriceImportView> {
    const { list, source } = await this.read(request);
    const { version, models } = this.catalog.current();
    const diff = diffLiteLlmPrices(list, models, new Date().toISOString().slice(0, 10));
    const dryRun = request.dry_run === true;
    if (dryRun) return view(diff, source, version, true, false);
    // A list that is wrong about one catalog model may be wrong about others: none of it is applied.
    if (diff.rejected.length > 0) {
      throw new FieldErrorsException(
        diff.rejected.map(({ key, problem }) => ({ field: `prices.${key}`, message: `${key}: ${problem}` })),
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }
    if (diff.changes.length === 0) return view(diff, source, version, false, false);
    const outcome = await this.commands.execute(
      new RunAggregateCommand({
        ...llmCatalog.stream(),
        command: { type: 'ChangeCatalog', basedOnVersion: version, source, changes: diff.changes },
        context,
      }),
    );
    await this.catalog.reached(outcome.state.version, APPLY_WAIT_MS);
    return view(diff, source, outcome.state.version, false, true);
  }

  private async read(request: PriceImportDto): Promise<{ list: unknown; source: CatalogChangeSource }> {
    if ((request.url === undefined) === (request.prices === undefined)) {
      throw new FieldErrorsException([{ field: 'url', message: 'give either url or prices, not both' }]);
    }
    if (request.prices !== undefined) {
      const bytes = Buffer.from(JSON.stringify(request.prices));
      return {
        list: request.prices,
        source: { format: 'litellm', location: 'inline', sha256: sha256(bytes) },
      };
    }
    const fetched = await fetchPriceList(
      checkedPriceListUrl(request.url!, this.config.LLM_PRICE_IMPORT_HOSTS),
    );
    let list: unknown;
    try {
      list = JSON.parse(fetched.bytes.toString('utf8'));
    } catch {
      throw new UnprocessableEntityException(`the price list at ${fetched.location} is not JSON`);
    }
    return { list, source: { format: 'litellm', location: fetched.location, sha256: sha256(fetched.bytes) } };
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function view(
  diff: PriceImportDiff,
  source: CatalogChangeSource,
  version: number,
  dryRun: boolean,
  applied: boolean,
): PriceImportView {
  return {
    dry_run: dryRun,
    applied,
    catalog_version: version,
    source,
    changes: diff.changes.map((change: ModelChange) => ({
      provider: change.provider,
      model: change.model,
      before: termsView(change.before),
      after: termsView(change.after),
    })),
    unchanged: diff.unchanged,
    unmatched: diff.unmatched,
    unknown_providers: diff.unknownProviders,
    rejected: diff.rejected,
  };
}
