import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, GameAuth, SessionsService, type ClientMeta, type GamePrincipal } from '@spawnpoint/auth';
import { PlayerAuthService } from '@spawnpoint/players';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import {
  CustomAuthDto,
  DeviceAuthDto,
  EmailLoginDto,
  EmailSignupDto,
  LinkDeviceDto,
  LinkEmailDto,
  LogoutDto,
  PlayerDto,
  RefreshDto,
  RefreshedDto,
  SessionDto,
  TokenPairDto,
} from '../dto/player.dto.js';
import { ApiErrors } from './api-errors.decorator.js';
import { UserAgent } from './user-agent.decorator.js';

/**
 * Player sign-in. Game clients call these with their client key (`X-API-Key: sp_ck_…`); a game
 * server may too, with its server key.
 */
@ApiTags('player auth')
@Controller('auth')
export class PlayerAuthController {
  constructor(
    private readonly auth: PlayerAuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('device')
  @GameAuth('client', 'server')
  @ApiOperation({ summary: 'Sign in with a device id; creates an anonymous player on first use' })
  @ApiCreatedResponse({ type: SessionDto })
  @ApiErrors(400, 401, 403)
  async device(
    @CurrentPrincipal() caller: GamePrincipal,
    @Body() body: DeviceAuthDto,
    @Ip() ip: string,
    @UserAgent() userAgent?: string,
  ): Promise<SessionDto> {
    return SessionDto.from(
      await this.auth.withDevice(caller.gameId, { deviceId: body.device_id, username: body.username }, { ip, userAgent }),
    );
  }

  @Post('custom')
  @GameAuth('client', 'server')
  @ApiOperation({ summary: 'Sign in with your own player id (custom_id becomes the player id); creates the player on first use' })
  @ApiCreatedResponse({ type: SessionDto })
  @ApiErrors(400, 401, 403, 409)
  async custom(
    @CurrentPrincipal() caller: GamePrincipal,
    @Body() body: CustomAuthDto,
    @Ip() ip: string,
    @UserAgent() userAgent?: string,
  ): Promise<SessionDto> {
    return SessionDto.from(
      await this.auth.withCustomId(caller.gameId, { customId: body.custom_id, username: body.username }, { ip, userAgent }),
    );
  }

  @Post('email/signup')
  @GameAuth('client', 'server')
  @ApiOperation({ summary: 'Create a player with email and password' })
  @ApiCreatedResponse({ type: SessionDto })
  @ApiErrors(400, 401, 403, 409)
  async emailSignup(
    @CurrentPrincipal() caller: GamePrincipal,
    @Body() body: EmailSignupDto,
    @Ip() ip: string,
    @UserAgent() userAgent?: string,
  ): Promise<SessionDto> {
    return SessionDto.from(await this.auth.signupWithEmail(caller.gameId, body, { ip, userAgent }));
  }

  @Post('email/login')
  @HttpCode(200)
  @GameAuth('client', 'server')
  @ApiOperation({ summary: 'Sign in with email and password; failed attempts are limited per account and per IP' })
  @ApiOkResponse({ type: SessionDto })
  @ApiErrors(400, 401, 403)
  async emailLogin(
    @CurrentPrincipal() caller: GamePrincipal,
    @Body() body: EmailLoginDto,
    @Ip() ip: string,
    @UserAgent() userAgent?: string,
  ): Promise<SessionDto> {
    const meta: ClientMeta & { ip: string } = { ip, userAgent };
    return SessionDto.from(await this.auth.loginWithEmail(caller.gameId, body, meta));
  }

  @Post('refresh')
  @HttpCode(200)
  @GameAuth('client', 'server')
  @ApiOperation({ summary: 'Trade a refresh token for a new pair; the old one dies, and reusing it revokes the session' })
  @ApiOkResponse({ type: RefreshedDto })
  @ApiErrors(400, 401, 403)
  async refresh(@CurrentPrincipal() caller: GamePrincipal, @Body() body: RefreshDto): Promise<RefreshedDto> {
    const refreshed = await this.auth.refresh(caller.gameId, body.refresh_token);
    return { ...TokenPairDto.from(refreshed), player_id: refreshed.playerId };
  }

  @Post('logout')
  @HttpCode(204)
  @GameAuth('player', 'client', 'server')
  @ApiOperation({ summary: 'End a session: with its session token, or with a key and its refresh token' })
  @ApiNoContentResponse({ description: 'The session and all its tokens are revoked' })
  @ApiErrors(400, 401)
  async logout(@CurrentPrincipal() caller: GamePrincipal, @Body() body: LogoutDto): Promise<void> {
    if (caller.kind === 'player') return this.sessions.logout(caller.gameId, caller.sessionId);
    if (!body.refresh_token) {
      throw new AppError(ErrorCode.ValidationFailed, 'refresh_token is required when logging out with an API key', [
        { field: 'refresh_token', message: 'refresh_token is required when logging out with an API key' },
      ]);
    }
    return this.sessions.logoutByRefreshToken(caller.gameId, body.refresh_token);
  }

  @Post('link/email')
  @HttpCode(200)
  @GameAuth('player')
  @ApiOperation({ summary: 'Give the signed-in (anonymous) player an email and password; its id and data stay' })
  @ApiOkResponse({ type: PlayerDto })
  @ApiErrors(400, 401, 403, 409)
  async linkEmail(@CurrentPrincipal() caller: GamePrincipal & { kind: 'player' }, @Body() body: LinkEmailDto): Promise<PlayerDto> {
    return PlayerDto.from(await this.auth.linkEmail(caller.gameId, caller.playerId, body));
  }

  @Post('link/device')
  @HttpCode(204)
  @GameAuth('player')
  @ApiOperation({ summary: 'Let the signed-in player also sign in from another device' })
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 403, 409)
  async linkDevice(@CurrentPrincipal() caller: GamePrincipal & { kind: 'player' }, @Body() body: LinkDeviceDto): Promise<void> {
    await this.auth.linkDevice(caller.gameId, caller.playerId, body.device_id);
  }
}
