import { ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../../platform/http/page-query';
import { ALERT_OPS, type AlertOp } from './alert-condition';

const SEVERITIES = ['warning', 'critical'] as const;

export class CreateAlertRuleDto {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  name!: string;

  /** A live series name, e.g. `cpu_percent`, `memory_percent`, `disk_percent`, `load1`. */
  @IsString()
  @Matches(/^[a-z0-9_]{1,64}$/, { message: 'metric must be a series name such as cpu_percent' })
  metric!: string;

  @IsIn(ALERT_OPS)
  op!: AlertOp;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold!: number;

  /** How long the breach must hold before the alert fires. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  forSeconds?: number;

  @IsOptional()
  @IsUUID()
  serverId?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  group?: string;

  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string | null;

  /** At most one notification per server inside this (storm control). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 86_400)
  cooldownSeconds?: number;

  /** Remind while it stays firing, every this many seconds; 0 never. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  repeatSeconds?: number;

  @IsOptional()
  @IsBoolean()
  notifyResolved?: boolean;

  /** Channels told; empty or absent: the default channels. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  channelIds?: string[];
}

export class UpdateAlertRuleDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  name?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_]{1,64}$/, { message: 'metric must be a series name such as cpu_percent' })
  metric?: string;

  @IsOptional()
  @IsIn(ALERT_OPS)
  op?: AlertOp;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  forSeconds?: number;

  @IsOptional()
  @IsUUID()
  serverId?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  group?: string | null;

  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string | null;

  /** At most one notification per server inside this (storm control). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 86_400)
  cooldownSeconds?: number;

  /** Remind while it stays firing, every this many seconds; 0 never. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  repeatSeconds?: number;

  @IsOptional()
  @IsBoolean()
  notifyResolved?: boolean;

  /** Channels told; empty or absent: the default channels. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  channelIds?: string[];
}

export class AlertListQuery extends PageQuery {
  @IsOptional()
  @IsIn(['firing', 'resolved'])
  state?: 'firing' | 'resolved';

  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @IsOptional()
  @IsUUID()
  serverId?: string;
}

/** A mute: of a server, a group, a rule (or a combination), until a time. */
export class CreateSilenceDto {
  @IsOptional()
  @IsUUID()
  serverId?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  group?: string;

  @IsOptional()
  @IsUUID()
  ruleId?: string;

  /** ISO 8601 time, in the future. */
  @IsDateString({ strict: true })
  until!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** A rule as the preview judges it (a threshold on a series, or the disk rule), not stored. */
export class PreviewRuleDto {
  @IsOptional()
  @IsIn(['threshold', 'disk_full'])
  kind?: 'threshold' | 'disk_full';

  @IsString()
  @Matches(/^[a-z0-9_]{1,64}$/, { message: 'metric must be a series name such as cpu_percent' })
  metric!: string;

  @IsIn(ALERT_OPS)
  op!: AlertOp;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold!: number;

  @IsOptional()
  @IsUUID()
  serverId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  group?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string;
}
