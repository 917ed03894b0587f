/**
 * The request validator: TypeBox's compiled checks, as `TypeBoxValidatorCompiler`, except that a
 * params/querystring/headers value is converted (strings to numbers, …) only when it does not
 * already pass. The plugin's compiler converts on every request, walking the schema each time,
 * a measurable share of a simple GET's CPU (bench/README.md, gateway profile).
 *
 * A string holding U+0000 is refused here for every part: PostgreSQL text cannot store it, so it
 * would otherwise surface as a 500 from the query (found by the fuzzer in a search filter).
 */
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';

/** The JSON-pointer path of the first string (key or value) holding U+0000, or null. */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '/' : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key.includes('\u0000')) return at;
    const found = findNul(item, at);
    if (found) return found;
  }
  return null;
}

function refuseNul(value: unknown): { error: FastifySchemaValidationError[] } | null {
  const at = findNul(value);
  if (!at) return null;
  const issue = { keyword: 'nul', instancePath: at, schemaPath: '#', params: {} };
  return { error: [{ ...issue, message: 'must not contain NUL (U+0000)' }] };
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    if (check.Check(value)) return refuseNul(value) ?? { value };
    if (httpPart === 'body') return { error: [...check.Errors(value)] as never };
    const converted = Value.Convert(schema, value);
    if (check.Check(converted)) return refuseNul(converted) ?? { value: converted };
    return { error: [...check.Errors(converted)] as never };
  };
};
