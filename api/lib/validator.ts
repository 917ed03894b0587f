/**
 * The request validator: TypeBox's compiled checks, as `TypeBoxValidatorCompiler`, except that a
 * params/querystring/headers value is converted (strings to numbers, …) only when it does not
 * already pass. The plugin's compiler converts on every request, walking the schema each time,
 * a measurable share of a simple GET's CPU (bench/README.md, gateway profile).
 */
import type { FastifySchemaCompiler } from 'fastify';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    if (check.Check(value)) return { value };
    if (httpPart === 'body') return { error: [...check.Errors(value)] as never };
    const converted = Value.Convert(schema, value);
    if (check.Check(converted)) return { value: converted };
    return { error: [...check.Errors(converted)] as never };
  };
};
