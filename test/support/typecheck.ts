/**
 * Type-checks TypeScript files as a user's project would (`tsc --noEmit`, strict, NodeNext), with
 * the TypeScript compiler the project pins. Files under the repository resolve `pliant` to the
 * built package (`dist/`) and `@tensorflow/tfjs` to its types.
 */
import ts from 'typescript';

/** The diagnostics of `files`, one line each (`file:line:col: message`); empty when they type-check. */
export function typeErrors(files: readonly string[]): string[] {
  const program = ts.createProgram([...files], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
    allowImportingTsExtensions: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1}: ${text}`;
  });
}
