import { Injectable } from '@nestjs/common';
import type { EventSubject } from '@pharos/database';
import { EventLogService } from '../../fleet/event-log/event-log.service';
import { ServersService } from '../../fleet/servers/servers.service';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { ForbiddenError, NotFoundError } from '../../platform/errors/domain-errors';
import { isUuid } from '../../platform/http/uuid';

/** What a browser may watch live: a subject with an event log (and, for servers, metrics). */
export interface LiveSubject {
  type: EventSubject;
  id: string;
}

/**
 * Decides which subject a live socket's path names and whether the user may watch it. Every
 * signed-in user may see the whole fleet today (as the REST API lets them); a narrower policy
 * goes in `mayWatch` and applies to both sockets at once.
 */
@Injectable()
export class LiveSubjectsService {
  constructor(
    private readonly servers: ServersService,
    private readonly eventLog: EventLogService,
  ) {}

  /** The server a metrics socket watches. */
  async server(user: AuthenticatedUser, id: string): Promise<LiveSubject> {
    await this.servers.get(id);
    return this.checked(user, { type: 'server', id });
  }

  /** The subject a logs socket streams: a server, a Lightd daemon or a Lightd container. */
  async withEventLog(user: AuthenticatedUser, id: string): Promise<LiveSubject> {
    const type = isUuid(id) ? await this.eventLog.subjectType(id) : null;
    if (!type) throw new NotFoundError(`server ${id} not found`);
    return this.checked(user, { type, id });
  }

  /** The server whose host a terminal socket opens a shell on: admins only. */
  async terminal(user: AuthenticatedUser, id: string): Promise<LiveSubject> {
    if (user.role !== 'admin') throw new ForbiddenError('only admins may open a terminal');
    await this.servers.get(id);
    return { type: 'server', id };
  }

  private checked(user: AuthenticatedUser, subject: LiveSubject): LiveSubject {
    if (!this.mayWatch(user, subject)) throw new ForbiddenError(`not allowed to watch ${subject.type} ${subject.id}`);
    return subject;
  }

  mayWatch(user: AuthenticatedUser, _subject: LiveSubject): boolean {
    return user.role === 'admin' || user.role === 'viewer';
  }
}
