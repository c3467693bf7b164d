import { Injectable } from '@nestjs/common';
import type { GamePrincipal } from '@spawnpoint/auth';
import { PlayersService } from '@spawnpoint/players';
import { AppError, ErrorCode, NotFoundError } from '@spawnpoint/shared';
import { MEMBER_PREFIX_LENGTH } from './index-encoding.js';
import { LeaderboardConfigs } from './leaderboard-configs.service.js';
import { LeaderboardIndex, type IndexRef, type IndexedEntry, type PageRequest } from './leaderboard-index.service.js';
import { LeaderboardResets } from './leaderboard-resets.service.js';
import type {
  ConfigChanges,
  LeaderboardConfig,
  LeaderboardPage,
  PageQuery,
  PlayerRank,
  RankedEntry,
  RecordView,
  ScoreSubmission,
  SeasonView,
  StoredRecord,
} from './leaderboard.types.js';
import { LeaderboardsRepository } from './leaderboards.repository.js';
import { parseResetSchedule, ResetScheduleError } from './reset-schedule.js';
import { ScoreWriter } from './score-writer.service.js';

/** Player ids this process has already made sure exist (bounded; a miss only costs one upsert). */
const KNOWN_PLAYERS_MAX = 100_000;
const CURSOR = new RegExp(`^(\\d{1,9})\\.([0-9a-f]{${MEMBER_PREFIX_LENGTH}}[A-Za-z0-9_.:@-]{1,128})$`);

@Injectable()
export class LeaderboardsService {
  /** Per game, so a lookup hashes only the player id (this is on the score hot path). */
  private readonly knownPlayers = new Map<string, Set<string>>();
  private knownPlayerCount = 0;

  constructor(
    private readonly boards: LeaderboardsRepository,
    private readonly configs: LeaderboardConfigs,
    private readonly index: LeaderboardIndex,
    private readonly resets: LeaderboardResets,
    private readonly writer: ScoreWriter,
    private readonly players: PlayersService,
  ) {}

  async list(
    gameId: string,
    options: { after?: string; limit: number },
  ): Promise<{ leaderboards: LeaderboardConfig[]; next: string | null }> {
    const rows = await this.boards.list(gameId, { ...options, limit: options.limit + 1 });
    const page = rows.slice(0, options.limit);
    return { leaderboards: page, next: rows.length > options.limit ? page[page.length - 1]!.id : null };
  }

  async get(gameId: string, id: string): Promise<LeaderboardConfig> {
    return this.resets.current(await this.require(gameId, id));
  }

  /**
   * Creates or changes a leaderboard; omitted fields keep their value (defaults on create). The
   * sort order can change only while no season has records and the operator only while the
   * current season has none (409 otherwise): either would make existing ranks mean something else.
   */
  async configure(gameId: string, id: string, changes: ConfigChanges): Promise<{ config: LeaderboardConfig; created: boolean }> {
    let nextResetAt: Date | null | undefined;
    let resetSchedule = changes.resetSchedule;
    if (resetSchedule !== undefined && resetSchedule !== null) {
      try {
        resetSchedule = resetSchedule.trim().toLowerCase();
        nextResetAt = parseResetSchedule(resetSchedule).next(new Date());
      } catch (error) {
        if (!(error instanceof ResetScheduleError)) throw error;
        throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [{ field: 'reset_schedule', message: error.message }]);
      }
    } else if (resetSchedule === null) {
      nextResetAt = null;
    }
    const outcome = await this.boards.configure(gameId, id, { ...changes, resetSchedule, nextResetAt });
    if (!outcome.ok) {
      throw new AppError(
        ErrorCode.Conflict,
        outcome.conflict === 'sort_order'
          ? 'The sort order cannot change once the leaderboard has records (in any season)'
          : 'The operator cannot change while the current season has records; reset the leaderboard first',
      );
    }
    await this.configs.changed(outcome.config);
    return { config: outcome.config, created: outcome.created };
  }

  /** The current season and the newest archived ones (at most `limit` in all), newest first. */
  async seasons(gameId: string, id: string, limit: number): Promise<SeasonView[]> {
    const config = await this.get(gameId, id);
    const [entries, archived] = await Promise.all([
      this.boards.countRecords(gameId, id, config.season),
      limit > 1 ? this.boards.archivedSeasons(gameId, id, limit - 1) : [],
    ]);
    return [
      { season: config.season, current: true, startedAt: config.seasonStartedAt, endedAt: null, entries },
      ...archived.map((s) => ({ ...s, current: false })),
    ];
  }

  async reset(gameId: string, id: string): Promise<LeaderboardConfig> {
    return this.resets.resetNow(gameId, id);
  }

  /**
   * Applies a submission with the leaderboard's operator and answers once it is committed in
   * Postgres, with the record and its rank. A server key may submit for any player id (unknown
   * ones are created) and to a leaderboard id never seen (created with the defaults); a player
   * session only its own score, and not to an authoritative leaderboard.
   */
  async submit(principal: GamePrincipal, id: string, submission: ScoreSubmission): Promise<RecordView> {
    this.players.assertCanActFor(principal, submission.playerId);
    const gameId = principal.gameId;
    let config = principal.kind === 'server' ? await this.configs.getOrCreate(gameId, id) : await this.require(gameId, id);
    if (principal.kind !== 'server' && config.authoritative) {
      throw new AppError(ErrorCode.Forbidden, 'This leaderboard is authoritative: only a server key can submit scores');
    }
    const subscore = submission.subscore ?? 0;
    if ((config.operator === 'increment' || config.operator === 'decrement') && (submission.score < 0 || subscore < 0)) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        {
          field: submission.score < 0 ? 'score' : 'subscore',
          message: 'the amount must be 0 or more on increment and decrement leaderboards',
        },
      ]);
    }
    config = await this.resets.current(config);
    if (principal.kind === 'server') await this.ensurePlayer(gameId, submission.playerId);

    const record = await this.writer.write(
      {
        gameId,
        leaderboardId: id,
        playerId: submission.playerId,
        score: BigInt(submission.score),
        subscore: BigInt(subscore),
        metadata: submission.metadata ?? null,
      },
      config.season,
    );
    const rank = await this.index.apply(this.ref(config, record.season, record.sortOrder), record);
    return recordView(record, rank);
  }

  /** Top N (or the page after a cursor, or the players around one) of the current or an archived season. */
  async page(gameId: string, id: string, query: PageQuery): Promise<LeaderboardPage> {
    if (query.cursor !== undefined && query.around !== undefined) {
      throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
        { field: 'cursor', message: 'cursor and around cannot be combined' },
      ]);
    }
    const config = await this.get(gameId, id);
    const season = this.season(config, query.season);
    const ref = this.ref(config, season, config.sortOrder);
    let request: PageRequest = { mode: 'top', offset: 0, limit: query.limit };
    if (query.cursor !== undefined) request = { mode: 'after', member: decodeCursor(query.cursor, season), limit: query.limit };
    else if (query.around !== undefined) request = { mode: 'around', playerId: query.around, limit: query.limit };
    const page = await this.index.page(ref, request);
    if (!page) throw new NotFoundError('Leaderboard record');
    const last = page.entries[page.entries.length - 1];
    return {
      leaderboardId: id,
      season,
      entries: page.entries.map(rankedEntry),
      nextCursor: page.more && last ? encodeCursor(season, last.member) : null,
    };
  }

  /** A player's record and rank (404 when the player has none in that season). */
  async rank(gameId: string, id: string, playerId: string, seasonWanted?: number): Promise<PlayerRank> {
    const config = await this.get(gameId, id);
    const season = this.season(config, seasonWanted);
    const entry = await this.index.rank(this.ref(config, season, config.sortOrder), playerId);
    if (!entry) throw new NotFoundError('Leaderboard record');
    return { playerId, season, score: Number(entry.score), subscore: Number(entry.subscore), rank: entry.rank };
  }

  private async require(gameId: string, id: string): Promise<LeaderboardConfig> {
    const config = await this.configs.get(gameId, id);
    if (!config) throw new NotFoundError('Leaderboard');
    return config;
  }

  private season(config: LeaderboardConfig, wanted: number | undefined): number {
    if (wanted === undefined) return config.season;
    if (wanted > config.season) throw new NotFoundError('Season');
    return wanted;
  }

  private ref(config: LeaderboardConfig, season: number, sortOrder: LeaderboardConfig['sortOrder']): IndexRef {
    return { gameId: config.gameId, leaderboardId: config.id, season, sortOrder, archived: season < config.season };
  }

  private async ensurePlayer(gameId: string, playerId: string): Promise<void> {
    if (this.knownPlayers.get(gameId)?.has(playerId)) return;
    await this.players.ensureExists(gameId, playerId);
    if (this.knownPlayerCount >= KNOWN_PLAYERS_MAX) {
      this.knownPlayers.clear();
      this.knownPlayerCount = 0;
    }
    let game = this.knownPlayers.get(gameId);
    if (!game) this.knownPlayers.set(gameId, (game = new Set()));
    if (!game.has(playerId)) {
      game.add(playerId);
      this.knownPlayerCount++;
    }
  }
}

function recordView(record: StoredRecord, rank: number): RecordView {
  return {
    leaderboardId: record.leaderboardId,
    season: record.season,
    playerId: record.playerId,
    score: Number(record.score),
    subscore: Number(record.subscore),
    metadata: record.metadata,
    submissions: record.submissions,
    reachedAt: record.reachedAt,
    rank,
  };
}

function rankedEntry(entry: IndexedEntry): RankedEntry {
  return {
    rank: entry.rank,
    playerId: entry.playerId,
    score: Number(entry.score),
    subscore: Number(entry.subscore),
    metadata: entry.metadata,
  };
}

/** Cursors are opaque to clients: the season and the last entry's index member. */
function encodeCursor(season: number, member: string): string {
  return Buffer.from(`${season}.${member}`).toString('base64url');
}

function decodeCursor(cursor: string, season: number): string {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || Number(match[1]) !== season) {
    throw new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [
      { field: 'cursor', message: 'cursor must be the next_cursor of a previous page of the same season' },
    ]);
  }
  return match[2]!;
}
