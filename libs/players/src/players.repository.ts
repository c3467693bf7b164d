import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService, type Player } from '@spawnpoint/prisma';

export type CreateResult = { ok: true; player: Player } | { ok: false; conflict: 'id' | 'email' | 'username' | 'device' | 'custom_id' };

@Injectable()
export class PlayersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(gameId: string, id: string): Promise<Player | null> {
    return this.prisma.player.findUnique({ where: { gameId_id: { gameId, id } } });
  }

  async findByDevice(gameId: string, deviceId: string): Promise<Player | null> {
    const device = await this.prisma.playerDevice.findUnique({
      where: { gameId_deviceId: { gameId, deviceId } },
      include: { player: true },
    });
    return device?.player ?? null;
  }

  findByCustomId(gameId: string, customId: string): Promise<Player | null> {
    return this.prisma.player.findUnique({ where: { gameId_customId: { gameId, customId } } });
  }

  findByEmail(gameId: string, email: string): Promise<Player | null> {
    return this.prisma.player.findUnique({ where: { gameId_email: { gameId, email } } });
  }

  /** Creates a player (and its first device, if any) in one statement; reports which unique field clashed. */
  async create(data: {
    gameId: string;
    id: string;
    username?: string;
    email?: string;
    passwordHash?: string;
    customId?: string;
    deviceId?: string;
  }): Promise<CreateResult> {
    const { deviceId, ...player } = data;
    try {
      const created = await this.prisma.player.create({
        data: { ...player, devices: deviceId ? { create: { deviceId } } : undefined },
      });
      return { ok: true, player: created };
    } catch (error) {
      return { ok: false, conflict: uniqueConflict(error) };
    }
  }

  async linkEmail(gameId: string, id: string, email: string, passwordHash: string): Promise<CreateResult> {
    try {
      const { count } = await this.prisma.player.updateMany({ where: { gameId, id, email: null }, data: { email, passwordHash } });
      if (count === 0) return { ok: false, conflict: 'email' };
      return { ok: true, player: (await this.findById(gameId, id))! };
    } catch (error) {
      return { ok: false, conflict: uniqueConflict(error) };
    }
  }

  /** Links a device; false when the device already belongs to another player of the game. */
  async linkDevice(gameId: string, playerId: string, deviceId: string): Promise<boolean> {
    try {
      await this.prisma.playerDevice.create({ data: { gameId, playerId, deviceId } });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const owner = await this.prisma.playerDevice.findUnique({ where: { gameId_deviceId: { gameId, deviceId } } });
      return owner?.playerId === playerId;
    }
  }

  async update(gameId: string, id: string, data: { username?: string; displayName?: string }): Promise<CreateResult | null> {
    try {
      const { count } = await this.prisma.player.updateMany({ where: { gameId, id }, data });
      if (count === 0) return null;
      return { ok: true, player: (await this.findById(gameId, id))! };
    } catch (error) {
      return { ok: false, conflict: uniqueConflict(error) };
    }
  }

  async setBanned(gameId: string, id: string, banned: boolean): Promise<Player | null> {
    const { count } = await this.prisma.player.updateMany({ where: { gameId, id }, data: { bannedAt: banned ? new Date() : null } });
    return count === 0 ? null : this.findById(gameId, id);
  }

  /** Creates the player with this id if the game has none yet; never fails on a concurrent create. */
  async ensure(gameId: string, id: string): Promise<void> {
    await this.prisma.player.createMany({ data: [{ gameId, id, customId: id }], skipDuplicates: true });
  }

  async touchLastSeen(gameId: string, id: string): Promise<void> {
    await this.prisma.player.updateMany({ where: { gameId, id }, data: { lastSeenAt: new Date() } });
  }

  /** Keyset page ordered by id; `query` matches a prefix of the id or the username, in any case. */
  list(gameId: string, options: { after?: string; limit: number; query?: string }): Promise<Player[]> {
    // Prisma puts `startsWith` into a LIKE pattern as given: its wildcards must match only themselves.
    const q = options.query?.replace(/[\\%_]/g, '\\$&');
    return this.prisma.player.findMany({
      where: {
        gameId,
        ...(options.after ? { id: { gt: options.after } } : {}),
        ...(q ? { OR: [{ id: { startsWith: q, mode: 'insensitive' } }, { username: { startsWith: q, mode: 'insensitive' } }] } : {}),
      },
      orderBy: { id: 'asc' },
      take: options.limit,
    });
  }
}

function uniqueConflict(error: unknown): 'id' | 'email' | 'username' | 'device' | 'custom_id' {
  if (!isUniqueViolation(error)) throw error;
  for (const [needle, conflict] of [
    ['device_id', 'device'],
    ['deviceId', 'device'],
    ['custom_id', 'custom_id'],
    ['customId', 'custom_id'],
    ['email', 'email'],
    ['username', 'username'],
  ] as const) {
    if (isUniqueViolation(error, needle)) return conflict;
  }
  return 'id';
}
