import { Body, Controller, Get, Param, Put, Res, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { formatEtag, STORAGE_VALUE_MAX_BYTES, STORAGE_VALUE_MAX_DEPTH, StorageService, type WritePrecondition } from '@spawnpoint/storage';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { PlayerIdPipe } from '../controllers/player-id.pipe.js';
import { ApiConditionalWrite, ApiValueTooLarge, BodyDepthInterceptor, ETAG_HEADER, WritePreconditionHeaders } from './storage-http.js';

const FREE_FORM = {
  type: 'object',
  additionalProperties: true,
  example: { inventory: ['sword', 'shield', 'potion'], stats: { level: 42, xp: 15000 } },
} as const;

/**
 * A player's one free-form JSON document, `PUT|GET /players/:playerId/data`: the storage
 * document `data/default`, so it has a version (ETag) and the same access rules.
 */
@ApiTags('storage')
@Controller('players/:playerId/data')
@GameAuth('server', 'player')
export class PlayerDataController {
  constructor(private readonly storage: StorageService) {}

  @Get()
  @ApiOperation({ summary: "A player's data: the JSON object last PUT (404 until the first PUT)" })
  @ApiOkResponse({ schema: FREE_FORM, headers: ETAG_HEADER })
  @ApiErrors(401, 403, 404)
  async get(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const object = await this.storage.getPlayerData(caller, playerId);
    void reply.header('etag', formatEtag(object.version));
    return object.value;
  }

  // No DTO class on purpose: the body is free-form, and the global ValidationPipe leaves a
  // `Record` (metatype Object) untouched; the service checks it is an object within the limits.
  @Put()
  @UseInterceptors(BodyDepthInterceptor)
  @ApiOperation({
    summary: "Replace a player's data with any JSON object; a server key creates an unknown player id",
    description: `At most ${STORAGE_VALUE_MAX_BYTES} bytes of JSON, nested at most ${STORAGE_VALUE_MAX_DEPTH} levels. Stored as the document data/default.`,
  })
  @ApiBody({ schema: FREE_FORM })
  @ApiOkResponse({ schema: FREE_FORM, headers: ETAG_HEADER })
  @ApiConditionalWrite(['If-Match', 'If-None-Match'])
  @ApiValueTooLarge()
  @ApiErrors(400, 401, 403, 404)
  async put(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: Record<string, unknown>,
    @WritePreconditionHeaders() precondition: WritePrecondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const object = await this.storage.putPlayerData(caller, playerId, body, precondition);
    void reply.header('etag', formatEtag(object.version));
    return object.value;
  }
}
