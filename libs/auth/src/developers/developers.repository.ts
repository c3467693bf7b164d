import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService, type Developer } from '@spawnpoint/prisma';

@Injectable()
export class DevelopersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Returns null when the email is already registered. */
  async create(data: { email: string; name: string; passwordHash: string }): Promise<Developer | null> {
    try {
      return await this.prisma.developer.create({ data });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  findByEmail(email: string): Promise<Developer | null> {
    return this.prisma.developer.findUnique({ where: { email } });
  }

  findById(id: string): Promise<Developer | null> {
    return this.prisma.developer.findUnique({ where: { id } });
  }
}
