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
