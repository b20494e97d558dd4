import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
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
}

export class AlertListQuery extends PageQuery {
  @IsOptional()
  @IsIn(['firing', 'resolved'])
  state?: 'firing' | 'resolved';

  @IsOptional()
  @IsUUID()
  serverId?: string;
}
