import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, type GamePrincipal } from '@spawnpoint/auth';
import { formatEtag, STORAGE_LIST_LIMIT_DEFAULT, StorageService, type WritePrecondition } from '@spawnpoint/storage';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../controllers/api-errors.decorator.js';
import { PlayerIdPipe } from '../controllers/player-id.pipe.js';
import {
  batchWrites,
  ListPlayerStorageQueryDto,
  ListStorageQueryDto,
  PlayerStorageListDto,
  PutStorageObjectDto,
  StorageAckDto,
  StorageBatchDto,
  StorageBatchResultDto,
  StorageListDto,
  StorageObjectDto,
} from './storage.dto.js';
import { ApiConditionalWrite, ApiValueTooLarge, BodyDepthInterceptor, ETAG_HEADER, WritePreconditionHeaders } from './storage-http.js';

/**
 * Named storage documents of a player: `/players/:playerId/storage/:collection/:key`. Server keys
 * act on any player of their game; a player session writes its own documents and reads its own
 * and others' public ones. The batch write is `PUT /players/:playerId/storage`, a path no
 * collection name can take.
 */
@ApiTags('storage')
@Controller('players/:playerId/storage')
@GameAuth('server', 'player')
export class StorageController {
  constructor(private readonly storage: StorageService) {}

  @Put()
  @UseInterceptors(BodyDepthInterceptor)
  @ApiOperation({ summary: 'Write up to 100 documents of one player, all or nothing, in one transaction' })
  @ApiOkResponse({ type: StorageBatchResultDto })
  @ApiConditionalWrite([])
  @ApiValueTooLarge()
  @ApiErrors(400, 401, 403, 404)
  async batch(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Body() body: StorageBatchDto,
  ): Promise<StorageBatchResultDto> {
    return { acks: (await this.storage.writeBatch(caller, playerId, batchWrites(body))).map(StorageAckDto.from) };
  }

  @Get()
  @ApiOperation({ summary: 'Every document of a player across collections, with cursor paging (a player session sees what it may read)' })
  @ApiOkResponse({ type: PlayerStorageListDto })
  @ApiErrors(400, 401, 403, 404)
  async listAll(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Query() query: ListPlayerStorageQueryDto,
  ): Promise<PlayerStorageListDto> {
    return PlayerStorageListDto.from(
      await this.storage.listAll(caller, playerId, { cursor: query.cursor, limit: query.limit ?? STORAGE_LIST_LIMIT_DEFAULT }),
    );
  }

  @Get(':collection')
  @ApiOperation({ summary: 'List a collection of a player by key, with cursor paging (other players see only public documents)' })
  @ApiOkResponse({ type: StorageListDto })
  @ApiErrors(400, 401, 403, 404)
  async list(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Param('collection') collection: string,
    @Query() query: ListStorageQueryDto,
  ): Promise<StorageListDto> {
    return StorageListDto.from(
      await this.storage.list(caller, playerId, collection, { cursor: query.cursor, limit: query.limit ?? STORAGE_LIST_LIMIT_DEFAULT }),
    );
  }

  @Get(':collection/:key')
  @ApiOperation({ summary: 'Read one document; its version is also the ETag' })
  @ApiOkResponse({ type: StorageObjectDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 404)
  async get(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Param('collection') collection: string,
    @Param('key') key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StorageObjectDto> {
    const object = await this.storage.get(caller, playerId, collection, key);
    void reply.header('etag', formatEtag(object.version));
    return StorageObjectDto.from(object);
  }

  @Put(':collection/:key')
  @UseInterceptors(BodyDepthInterceptor)
  @ApiOperation({ summary: 'Create or replace one document (conditionally with If-Match / If-None-Match)' })
  @ApiOkResponse({ type: StorageObjectDto, headers: ETAG_HEADER })
  @ApiConditionalWrite(['If-Match', 'If-None-Match'])
  @ApiValueTooLarge()
  @ApiErrors(400, 401, 403, 404)
  async put(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Param('collection') collection: string,
    @Param('key') key: string,
    @Body() body: PutStorageObjectDto,
    @WritePreconditionHeaders() precondition: WritePrecondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StorageObjectDto> {
    const object = await this.storage.put(caller, playerId, {
      collection,
      key,
      value: body.value,
      read: body.read,
      write: body.write,
      precondition,
    });
    void reply.header('etag', formatEtag(object.version));
    return StorageObjectDto.from(object);
  }

  @Delete(':collection/:key')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one document (conditionally with If-Match)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConditionalWrite(['If-Match'])
  @ApiErrors(400, 401, 403, 404)
  async delete(
    @CurrentPrincipal() caller: GamePrincipal,
    @Param('playerId', PlayerIdPipe) playerId: string,
    @Param('collection') collection: string,
    @Param('key') key: string,
    @WritePreconditionHeaders() precondition: WritePrecondition,
  ): Promise<void> {
    await this.storage.delete(caller, playerId, collection, key, precondition);
  }
}
