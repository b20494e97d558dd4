import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class MetricHistoryQuery {
  /** Comma-separated series names, e.g. `cpu_percent,memory_percent` (default: both). */
  @IsOptional()
  @IsString()
  series?: string;

  /** RFC 3339; default one hour before `to`. */
  @IsOptional()
  @IsISO8601()
  from?: string;

  /** RFC 3339; default now. */
  @IsOptional()
  @IsISO8601()
  to?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(5000)
  points?: number;
}
