// Every BullMQ queue and job name, with its payload type, in one registry. Producers and
// processors import these; a worker refuses to start when a job here has no handler.

export const QueueName = {
  Leaderboards: 'leaderboards',
  Maintenance: 'maintenance',
  Matchmaking: 'matchmaking',
  Worlds: 'worlds',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  PurgeExpiredSessions: 'purge_expired_sessions',
  SweepLeaderboards: 'sweep_leaderboards',
  RunMatchmaker: 'run_matchmaker',
  PersistWorldPlayers: 'persist_world_players',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Payload of each job, keyed by job name. */
export interface JobPayloads {
  [JobName.PurgeExpiredSessions]: { olderThanSeconds: number };
  /** Resets every leaderboard whose next reset time has passed (at most `maxResets` per run). */
  [JobName.SweepLeaderboards]: { maxResets: number };
  /** One matcher pass over every (game, mode) with queued tickets; each under its own Redis lease. */
  [JobName.RunMatchmaker]: { maxTicketsPerMode: number };
  /** The periodic save of a world's players (position, health, …), written behind by a worker. */
  [JobName.PersistWorldPlayers]: { gameId: string; world: string; states: { playerId: string; state: Record<string, unknown> }[] };
}

/** Which queue each job runs on. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.PurgeExpiredSessions]: QueueName.Maintenance,
  [JobName.SweepLeaderboards]: QueueName.Leaderboards,
  [JobName.RunMatchmaker]: QueueName.Matchmaking,
  [JobName.PersistWorldPlayers]: QueueName.Worlds,
};
