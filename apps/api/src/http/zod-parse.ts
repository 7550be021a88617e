import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { invalid } from '@parley/core';

/** Validates input at the edge: a 400 naming every offending field, and nothing written. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const i of r.error.issues) fields[i.path.join('.') || '(body)'] = i.message;
  throw invalid(`invalid request: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`, fields);
}

export const id = z.string().min(1).max(100);
export const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Documents a route's body in the OpenAPI document from the same zod schema `parse` validates it with. */
export function ZodBody(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown> });
}

/** Documents a route's query parameters from the zod object schema that validates them. */
export function ZodQuery(schema: z.ZodObject): MethodDecorator {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return applyDecorators(...Object.entries(json.properties ?? {}).map(([name, s]) => ApiQuery({ name, required: !!json.required?.includes(name), schema: s })));
}
