import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The walls of the house (docs/architecture.md), checked on the sources as text: what imports what,
 * which packages a production install needs, and how large files and functions grow.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

const FILES = sourceFiles(SRC);
const parsed = new Map(
  FILES.map((file) => [
    file,
    ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true),
  ]),
);

/** Every module a file imports, statically or with `await import(...)`; type-only imports apart. */
function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: node.importClause?.isTypeOnly ?? false,
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(parsed.get(file)!);
  return found;
}

const local = (file: string, specifier: string) => resolve(dirname(file), specifier);
const layer = (file: string) => relative(SRC, file).split('/')[0]!;

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { specifier, typeOnly } of importsOf(file))
      if (specifier.startsWith('.') && !typeOnly) walk(local(file, specifier));
  };
  walk(entry);
  return seen;
}

describe('the architecture', () => {
  it('lets core, periods and program-indicators import nothing of t2a but the pure layers: no HTTP, files, store or configuration', () => {
    // What each pure layer may import. The program indicator engine is pure: core may use it.
    const allowed: Record<string, string[]> = {
      periods: ['periods'],
      'program-indicators': ['program-indicators', 'periods'],
      core: ['core', 'periods', 'program-indicators'],
    };
    const wrong = FILES.filter((file) => layer(file) in allowed).flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith('.'))
        .filter(({ specifier }) => !allowed[layer(file)]!.includes(layer(local(file, specifier))))
        .map(({ specifier }) => `${relative(SRC, file)} → ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('shares the program indicator engine with core, the use cases and the sandbox only', () => {
    const users = ['program-indicators', 'core', 'jobs', 'sandbox'];
    const wrong = FILES.flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith('.'))
        .filter(({ specifier }) => layer(local(file, specifier)) === 'program-indicators')
        .filter(() => !users.includes(layer(file)))
        .map(({ specifier }) => `${relative(SRC, file)} → ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps adapters out of the use cases and the command line', () => {
    const adapters = ['dhis2', 'store', 'notify', 'config', 'report'];
    const wrong = FILES.filter((file) => adapters.includes(layer(file))).flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith('.'))
        .filter(({ specifier }) =>
          ['jobs', 'cli', 'dashboard'].includes(layer(local(file, specifier))),
        )
        .map(({ specifier }) => `${relative(SRC, file)} → ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps the use cases unaware of their faces: jobs import neither the command line nor the dashboard', () => {
    const wrong = FILES.filter((file) => layer(file) === 'jobs').flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith('.'))
        .filter(({ specifier }) => ['cli', 'dashboard'].includes(layer(local(file, specifier))))
        .map(({ specifier }) => `${relative(SRC, file)} → ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps the dashboard’s page (client/) a bundle of its own: only types from the server, and nothing imports it', () => {
    const CLIENT = join(SRC, 'dashboard/client');
    const inClient = (file: string) => file.startsWith(`${CLIENT}/`);
    const wrong = FILES.flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith('.'))
        .filter(({ specifier, typeOnly }) =>
          inClient(file)
            ? !typeOnly && !inClient(local(file, specifier))
            : inClient(local(file, specifier)),
        )
        .map(({ specifier }) => `${relative(SRC, file)} → ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('lets the sandbox take only the period and program indicator modules from t2a, and t2a nothing from the sandbox', () => {
    const wrong = FILES.flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith('.'))
        .map(({ specifier }) => ({
          from: layer(file),
          to: layer(local(file, specifier)),
          specifier,
          file,
        }))
        .filter(
          ({ from, to }) =>
            (from === 'sandbox' && !['sandbox', 'periods', 'program-indicators'].includes(to)) ||
            (to === 'sandbox' && !['sandbox', 'demo'].includes(from)),
        )
        .map(({ file, specifier }) => `${relative(SRC, file)} → ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('has no import circle, type imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push(
          [...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '),
        );
        return;
      }
      state.set(file, 'visiting');
      for (const { specifier } of importsOf(file))
        if (specifier.startsWith('.')) visit(local(file, specifier), [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('needs only production dependencies for every command but sandbox and demo', () => {
    const files = reachable(join(SRC, 'cli/main.ts'));
    expect([...files].filter((file) => ['sandbox', 'demo'].includes(layer(file)))).toEqual([]);
    const packages = new Set(
      [...files].flatMap((file) =>
        importsOf(file)
          .filter(({ specifier, typeOnly }) => !specifier.startsWith('.') && !typeOnly)
          .map(({ specifier }) =>
            specifier.startsWith('@')
              ? specifier.split('/').slice(0, 2).join('/')
              : specifier.split('/')[0]!,
          ),
      ),
    );
    const missing = [...packages].filter(
      (name) =>
        !name.startsWith('node:') && !builtinModules.includes(name) && !(name in pkg.dependencies),
    );
    expect(missing).toEqual([]);
  });

  it('keeps files under 400 lines and functions under 80', () => {
    const long: string[] = [];
    for (const [file, source] of parsed) {
      const lines = source.getLineAndCharacterOfPosition(source.end).line + 1;
      if (lines > 400 && !/-months\.ts$|-packages\.ts$/.test(file))
        long.push(`${relative(SRC, file)}: ${lines} lines`);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
          const end = source.getLineAndCharacterOfPosition(node.end).line;
          if (end - start + 1 > 80)
            long.push(`${relative(SRC, file)}:${start + 1}: function of ${end - start + 1} lines`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});
