import { RE2JS } from 're2js';

/**
 * The regular expressions of a team's JSON Schemas (`pattern`, `patternProperties`), matched by RE2 (re2js, pure
 * JavaScript): time linear in the input whatever the pattern, where JavaScript's backtracking engine takes
 * exponential time on nested quantifiers such as `^(\w+\s?)*$`. A pattern RE2 cannot run (a lookaround, a
 * back-reference) or that is not a regular expression at all throws here, when the schema is compiled.
 */
export function linearRegExp(pattern: string): { test: (text: string) => boolean; toString: () => string } {
  const expression = RE2JS.compile(pattern);
  // `matcher().find()`, not re2js's `test`: in 2.10 its fast path takes `^a+$` to match "aa!"
  // Ajv shares one compiled pattern between schemas by its `toString`, as it does for a RegExp
  return { test: (text) => expression.matcher(text).find(), toString: () => `/${pattern}/` };
}
// Ajv asks for the source of the engine only when it writes standalone code, which this project never does
linearRegExp.code = 'linearRegExp';
