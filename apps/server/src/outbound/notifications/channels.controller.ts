import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { ChannelView, List } from '@pharos/protocol';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { CurrentUser } from '../../identity/access/current-user.decorator';
import { Roles } from '../../identity/access/roles.decorator';
import { CreateChannelDto, UpdateChannelDto } from './channels.dto';
import { ChannelsService, toChannelView } from './channels.service';

/** Notification channels: admins write and test, viewers read (URLs redacted for everyone). */
@Controller('api/v1/alerts/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  async list(): Promise<List<ChannelView>> {
    return { items: await this.channels.list() };
  }

  @Post()
  @Roles('admin')
  async create(@Body() body: CreateChannelDto, @CurrentUser() user: AuthenticatedUser): Promise<ChannelView> {
    return toChannelView(await this.channels.create(body, user));
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.channels.view(id);
  }

  @Patch(':id')
  @Roles('admin')
  async update(@Param('id') id: string, @Body() body: UpdateChannelDto, @CurrentUser() user: AuthenticatedUser): Promise<ChannelView> {
    return toChannelView(await this.channels.update(id, body, user));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  async delete(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.channels.delete(id, user);
  }

  /** Sends a test message at once; the answer says whether the receiver took it. */
  @Post(':id/test')
  @Roles('admin')
  @HttpCode(200)
  test(@Param('id') id: string) {
    return this.channels.test(id);
  }
}
