export { compileKql, parseKql, KqlSyntaxError, type QueryDsl } from './compile.ts';
export type { KqlLiteral, KqlNode, KqlValues, Wildcard } from './ast.ts';
