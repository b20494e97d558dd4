import { IsBoolean, IsIn, IsInt, IsNumber, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
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
}

export class AlertListQuery extends PageQuery {
  @Optional()
  @IsIn(['firing', 'resolved'])
  state?: 'firing' | 'resolved';

  @Optional()
  @IsUUID()
  serverId?: string;
}
