/**
 * A plain description of every FRS setting, read off settingsSchema: name, type, default
 * (as the string you would put in an app setting), description and whether it must be set.
 * tools/settings-docs.ts renders local.settings.example.json and the README table from it,
 * and test/config checks those files (and the infra app settings) against it.
 */
import { z } from 'zod';
import { settingsSchema, type SettingName } from './settings.js';

export type SettingType = 'string' | 'url' | 'integer' | 'number' | 'boolean';

export interface SettingInfo {
  name: SettingName;
  type: SettingType;
  /** The default as an app-setting string; undefined when the setting has none. */
  default: string | undefined;
  description: string;
  /** True when the setting has no default and is not optional: it must be set. */
  required: boolean;
  /** Allowed numeric range, e.g. "0 to 64"; undefined for non-numbers or unbounded ones. */
  range: string | undefined;
}

interface Unwrapped {
  base: z.ZodTypeAny;
  defaultValue: unknown;
  hasDefault: boolean;
  optional: boolean;
  description: string | undefined;
}

/** Peels ZodDefault / ZodOptional / ZodNullable / ZodEffects off a field, remembering what it saw. */
function unwrap(schema: z.ZodTypeAny): Unwrapped {
  let current: z.ZodTypeAny = schema;
  let description = schema.description;
  let defaultValue: unknown;
  let hasDefault = false;
  let optional = false;
  for (;;) {
    description ??= current.description;
    if (current instanceof z.ZodDefault) {
      if (!hasDefault) {
        defaultValue = current._def.defaultValue();
        hasDefault = true;
      }
      current = current._def.innerType;
    } else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      optional = true;
      current = current.unwrap();
    } else if (current instanceof z.ZodEffects) {
      current = current.innerType();
    } else {
      return { base: current, defaultValue, hasDefault, optional, description };
    }
  }
}

function typeOf(base: z.ZodTypeAny, name: string): SettingType {
  if (base instanceof z.ZodString) return base.isURL ? 'url' : 'string';
  if (base instanceof z.ZodNumber) return base.isInt ? 'integer' : 'number';
  if (base instanceof z.ZodBoolean) return 'boolean';
  if (base instanceof z.ZodUnion) {
    const options = (base.options as z.ZodTypeAny[]).map((o) => unwrap(o).base);
    if (options.some((o) => o instanceof z.ZodBoolean)) return 'boolean';
    if (options.every((o) => o instanceof z.ZodString || o instanceof z.ZodEnum || o instanceof z.ZodLiteral))
      return 'string';
  }
  if (base instanceof z.ZodEnum) return 'string';
  throw new Error(
    `describeSettings: ${name} has a schema type (${base.constructor.name}) this module does not know how to document`,
  );
}

function rangeOf(base: z.ZodTypeAny): string | undefined {
  if (!(base instanceof z.ZodNumber)) return undefined;
  const { minValue, maxValue } = base;
  if (minValue === null && maxValue === null) return undefined;
  if (minValue === null) return `up to ${maxValue}`;
  if (maxValue === null) return `${minValue} or more`;
  return `${minValue} to ${maxValue}`;
}

function asSettingString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Every setting in schema order. */
export function describeSettings(schema: z.AnyZodObject = settingsSchema): SettingInfo[] {
  return Object.entries(schema.shape as Record<string, z.ZodTypeAny>).map(([name, field]) => {
    const u = unwrap(field);
    if (!u.description) throw new Error(`describeSettings: ${name} has no .describe() text`);
    return {
      name: name as SettingName,
      type: typeOf(u.base, name),
      default: u.hasDefault ? asSettingString(u.defaultValue) : undefined,
      description: u.description,
      required: !u.hasDefault && !u.optional,
      range: rangeOf(u.base),
    };
  });
}
