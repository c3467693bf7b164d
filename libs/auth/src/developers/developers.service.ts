import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { AppError, ErrorCode, NotFoundError } from '@spawnpoint/shared';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../crypto.js';
import { LoginThrottle } from '../login-throttle.service.js';
import { DEVELOPER_TOKEN_AUDIENCE } from '../principal.js';
import { DevelopersRepository } from './developers.repository.js';

export interface DeveloperView {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

@Injectable()
export class DevelopersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly developers: DevelopersRepository,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
  ) {}

  async signup(input: { email: string; password: string; name: string }): Promise<{ developer: DeveloperView; token: string }> {
    const email = normaliseEmail(input.email);
    const developer = await this.developers.create({ email, name: input.name.trim(), passwordHash: await hashPassword(input.password) });
    if (!developer) throw new AppError(ErrorCode.EmailTaken, 'An account with this email already exists');
    return { developer: view(developer), token: await this.issueToken(developer.id) };
  }

  async login(input: { email: string; password: string }, ip: string): Promise<{ token: string }> {
    const email = normaliseEmail(input.email);
    await this.throttle.assertAllowed(`developer:${email}`, ip);
    const developer = await this.developers.findByEmail(email);
    const ok = developer ? await verifyPassword(input.password, developer.passwordHash) : (await burnPasswordCheck(input.password), false);
    if (!developer || !ok) {
      await this.throttle.recordFailure(`developer:${email}`, ip);
      throw new AppError(ErrorCode.InvalidCredentials, 'Email or password is wrong');
    }
    return { token: await this.issueToken(developer.id) };
  }

  async get(developerId: string): Promise<DeveloperView> {
    const developer = await this.developers.findById(developerId);
    if (!developer) throw new NotFoundError('Developer');
    return view(developer);
  }

  private issueToken(developerId: string): Promise<string> {
    return this.jwt.signAsync(
      { sub: developerId },
      {
        secret: this.config.JWT_DEVELOPER_SECRET,
        audience: DEVELOPER_TOKEN_AUDIENCE,
        expiresIn: this.config.DEVELOPER_TOKEN_TTL_SECONDS,
        algorithm: 'HS256',
      },
    );
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function view(d: { id: string; email: string; name: string; createdAt: Date }): DeveloperView {
  return { id: d.id, email: d.email, name: d.name, createdAt: d.createdAt };
}
