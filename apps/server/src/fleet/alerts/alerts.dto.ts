import { ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsNumber, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { DisplayName, Label, Nullable, Optional } from '../../platform/http/field-rules';
import { PageQuery } from '../../platform/http/page-query';
import { ALERT_OPS, type AlertOp } from './alert-condition';

const SEVERITIES = ['warning', 'critical'] as const;
const METRIC = /^[a-z0-9_]{1,64}$/;
const METRIC_MESSAGE = 'metric must be a series name such as cpu_percent';
const MAX_FOR_SECONDS = 86_400;

/** What a rule may leave out when it is created, and change later. */
class AlertRuleSettings {
  /** How long the breach must hold before the alert fires. */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(MAX_FOR_SECONDS)
  forSeconds?: number;

  @Optional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @Optional()
  @IsBoolean()
  enabled?: boolean;

  /** At most one notification per server inside this (storm control). */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(7 * 86_400)
  cooldownSeconds?: number;

  /** Remind while it stays firing, every this many seconds; 0 never. */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  repeatSeconds?: number;

  @Optional()
  @IsBoolean()
  notifyResolved?: boolean;

  /** Channels told; empty or absent: the default channels. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  channelIds?: string[];
}

export class CreateAlertRuleDto extends AlertRuleSettings {
  @DisplayName()
  name!: string;

  /** A live series name, e.g. `cpu_percent`, `memory_percent`, `disk_percent`, `load1`. */
  @IsString()
  @Matches(METRIC, { message: METRIC_MESSAGE })
  metric!: string;

  @IsIn(ALERT_OPS)
  op!: AlertOp;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold!: number;

  @Optional()
  @IsUUID()
  serverId?: string;

  @Optional()
  @Label()
  group?: string;

  @Optional()
  @Label()
  tag?: string;
}

/** Every field of a rule may change; `serverId` and `group` take `null` to widen its scope again. */
export class UpdateAlertRuleDto extends AlertRuleSettings {
  @Optional()
  @DisplayName()
  name?: string;

  @Optional()
  @IsString()
  @Matches(METRIC, { message: METRIC_MESSAGE })
  metric?: string;

  @Optional()
  @IsIn(ALERT_OPS)
  op?: AlertOp;

  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold?: number;

  @Nullable()
  @IsUUID()
  serverId?: string | null;

  @Nullable()
  @Label()
  group?: string | null;

  @Nullable()
  @Label()
  tag?: string | null;
}

export class AlertListQuery extends PageQuery {
  @Optional()
  @IsIn(['firing', 'resolved'])
  state?: 'firing' | 'resolved';

  @Optional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @Optional()
  @IsUUID()
  serverId?: string;
}

/** A mute: of a server, a group, a rule (or a combination), until a time. */
export class CreateSilenceDto {
  @Optional()
  @IsUUID()
  serverId?: string;

  @Optional()
  @Label()
  group?: string;

  @Optional()
  @IsUUID()
  ruleId?: string;

  /** ISO 8601 time, in the future. */
  @IsDateString({ strict: true })
  until!: string;

  @Optional()
  @DisplayName(500)
  reason?: string;
}

/** A rule as the preview judges it (a threshold on a series, or the disk rule), not stored. */
export class PreviewRuleDto {
  @Optional()
  @IsIn(['threshold', 'disk_full'])
  kind?: 'threshold' | 'disk_full';

  @IsString()
  @Matches(METRIC, { message: METRIC_MESSAGE })
  metric!: string;

  @IsIn(ALERT_OPS)
  op!: AlertOp;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold!: number;

  @Optional()
  @IsUUID()
  serverId?: string;

  @Optional()
  @Label()
  group?: string;

  @Optional()
  @Label()
  tag?: string;
}
