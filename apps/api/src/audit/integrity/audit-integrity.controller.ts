import {
  BadGatewayException,
  Controller,
  Get,
  HttpCode,
  Inject,
  Logger,
  Param,
  Post,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import {
  DigestExportError,
  EventLogVerifier,
  DigestSigner,
  SigningKeyNotTrustedError,
  type TrustedKey,
} from '@ops/infra/event-store/integrity';
import { AUDIT_TRUSTED_KEY } from '@ops/infra/event-store/integrity/integrity.module';
import type { Response } from 'express';
import { STREAM_PATH_DOC, STREAM_ROUTE, StreamParamsDto } from '../events/audit-events-query.dto';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';
import {
  AuditPublicKeyView,
  DigestDocumentView,
  LogVerificationErrorView,
  LogVerificationProgressView,
  LogVerificationResultView,
  StreamVerificationView,
} from './audit-integrity.view';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin', 'auditor')
@ReadModels()
@Controller('api/v1/audit')
export class AuditIntegrityController {
  private readonly logger = new Logger(AuditIntegrityController.name);

  constructor(
    private readonly verifier: EventLogVerifier,
    private readonly digests: DigestSigner,
    @Inject(AUDIT_TRUSTED_KEY) private readonly key: TrustedKey,
  ) {}

  @Get(`${STREAM_ROUTE}/verify`)
  @ApiParam(STREAM_PATH_DOC)
  @ApiOperation({ summary: "One stream's hash chain, and its heads in every signed digest" })
  @ApiOkResponse({ type: StreamVerificationView })
  async verifyStream(@Param() { stream }: StreamParamsDto): Promise<StreamVerificationView> {
    const report = await this.verifier.verify({ stream });
    return {
      stream,
      events: report.events,
      ok: report.ok,
      problems: report.problems,
      problems_total: report.problems_total,
      digest: report.digest,
      digest_chain: report.digest_chain,
    };
  }

  /**
   * Progress lines (`{"type":"progress",…}`, about one a second) while every chain is checked, then
   * one `{"type":"result",…}` line: the same report as one stream's, for the whole log.
   */
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Every hash chain and every signed digest, streamed as NDJSON progress' })
  @ApiProduces('application/x-ndjson')
  @ApiExtraModels(LogVerificationProgressView, LogVerificationResultView, LogVerificationErrorView)
  @ApiOkResponse({
    description:
      'NDJSON: LogVerificationProgressView lines, then one LogVerificationResultView (or LogVerificationErrorView) line',
  })
  async verifyAll(@Res() response: Response): Promise<void> {
    response.status(200).type('application/x-ndjson');
    try {
      const report = await this.verifier.verify({
        onProgress: (progress) =>
          response.write(ndjsonLine<LogVerificationProgressView>({ type: 'progress', ...progress })),
      });
      response.end(ndjsonLine<LogVerificationResultView>({ type: 'result', ...report }));
    } catch (error) {
      // The status is already sent: the failure can only be the stream's last line.
      response.end(
        ndjsonLine<LogVerificationErrorView>({ type: 'error', message: (error as Error).message }),
      );
    }
  }

  @Post('digests')
  @ApiOperation({ summary: 'Sign a digest of every stream head now; keep the answer somewhere else' })
  @ApiCreatedResponse({ type: DigestDocumentView })
  async signDigest(@CurrentUser() user: AuthenticatedUser): Promise<DigestDocumentView> {
    try {
      return await this.digests.document(await this.digests.sign({ actor: user.id, source: 'api' }));
    } catch (error) {
      // Recorded but not copied out: the caller must know the external copy has a gap; where it
      // should have gone stays in the log.
      if (error instanceof DigestExportError) {
        this.logger.error(error.message);
        throw new BadGatewayException('The digest was recorded but not copied to every export destination');
      }
      if (error instanceof SigningKeyNotTrustedError) {
        this.logger.error(error.message);
        throw new ServiceUnavailableException('The audit signing key is not the pinned AUDIT_PUBLIC_KEY');
      }
      throw error;
    }
  }

  @Get('digests/public-key')
  @ApiOperation({
    summary:
      'The Ed25519 public key digests are verified with; `pinned` when it is AUDIT_PUBLIC_KEY, not the signing key beside the data',
  })
  @ApiOkResponse({ type: AuditPublicKeyView })
  publicKey(): AuditPublicKeyView {
    return {
      algorithm: 'Ed25519',
      key_id: this.key.keyId,
      public_key: this.key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      pinned: this.key.pinned,
    };
  }
}

/** One line of the verification's answer, typed as OpenAPI documents it. */
function ndjsonLine<Line>(line: Line): string {
  return `${JSON.stringify(line)}\n`;
}
