import type { Schemas } from '@spawnpoint/sdk';

/**
 * Shapes of the API answers the dashboard reads: the schemas generated from openapi/openapi.json
 * for the SDK (`npm run openapi`), so a change to the API shows up here as a type error.
 */

export type Developer = Schemas['DeveloperDto'];
export type Game = Schemas['GameDto'];
export type ApiKey = Schemas['ApiKeyDto'];
export type KeyKind = ApiKey['kind'];
export type Player = Schemas['PlayerDto'];
export type PlayerSession = Schemas['PlayerSessionDto'];
export type StorageObject = Schemas['StorageObjectDto'];
export type LedgerEntry = Schemas['LedgerEntryDto'];
export type InventoryItem = Schemas['InventoryItemDto'];
export type Leaderboard = Schemas['LeaderboardDto'];
export type SortOrder = Leaderboard['sort_order'];
export type Operator = Leaderboard['operator'];
export type LeaderboardEntry = Schemas['LeaderboardEntryDto'];
/** `GET /leaderboards/{id}/seasons`: the current season, then the archived ones. */
export type Season = Schemas['SeasonDto'];
export type Lobby = Schemas['LobbyDto'];
export type ModeStats = Schemas['ModeStatsDto'];
export type RecentMatch = Schemas['MatchDto'];
export type World = Schemas['WorldDto'];
export type WorldEntities = Schemas['WorldEntitiesDto'];
export type ChatChannel = Schemas['ChatChannelDto'];
export type ChatMessage = Schemas['ChatMessageDto'];
export type ChatMute = Schemas['ChatMuteDto'];
export type UsagePoint = Schemas['UsagePointDto'];
