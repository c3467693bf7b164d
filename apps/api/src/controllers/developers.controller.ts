import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentDeveloper, DeveloperAuth, DevelopersService, type DeveloperPrincipal } from '@spawnpoint/auth';
import { DeveloperDto, DeveloperTokenDto, LoginDeveloperDto, SignupDeveloperDto, SignupResponseDto } from '../dto/developer.dto.js';
import { ApiErrors } from './api-errors.decorator.js';

@ApiTags('developers')
@Controller('developers')
export class DevelopersController {
  constructor(private readonly developers: DevelopersService) {}

  @Post('signup')
  @ApiOperation({ summary: 'Create a developer account' })
  @ApiCreatedResponse({ type: SignupResponseDto })
  @ApiErrors(400, 409)
  async signup(@Body() body: SignupDeveloperDto): Promise<SignupResponseDto> {
    const { developer, token } = await this.developers.signup(body);
    return { developer: DeveloperDto.from(developer), token };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; failed attempts are limited per account and per IP' })
  @ApiOkResponse({ type: DeveloperTokenDto })
  @ApiErrors(400, 401)
  login(@Body() body: LoginDeveloperDto, @Ip() ip: string): Promise<DeveloperTokenDto> {
    return this.developers.login(body, ip);
  }

  @Get('me')
  @DeveloperAuth()
  @ApiOperation({ summary: 'The signed-in developer' })
  @ApiOkResponse({ type: DeveloperDto })
  @ApiErrors(401)
  async me(@CurrentDeveloper() developer: DeveloperPrincipal): Promise<DeveloperDto> {
    return DeveloperDto.from(await this.developers.get(developer.developerId));
  }
}
