// Lists exported values (functions, classes, constants) nothing else imports, as file:line name, and exits 1 if
// there is any: `npx tsx scripts/dead-exports.ts` (part of `npm run lint`). Reads both programs (Node and webview,
// static and lazy `import()`s) and the .svelte components' imports; entry points are kept.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const ENTRIES = new Set(['src/extension/extension.ts', 'src/cli/main.ts', 'webview/src/main.ts']);

function program(tsconfig: string): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, tsconfig), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error(`cannot read ${tsconfig}`);
  return ts.createProgram(config.fileNames, config.options);
}

const key = (symbol: ts.Symbol): string | undefined => {
  const declaration = symbol.declarations?.[0];
  return declaration === undefined ? undefined : `${relative(root, declaration.getSourceFile().fileName)}#${symbol.name}`;
};

const used = new Set<string>();
const exported = new Map<string, ts.Node>();
for (const tsconfig of ['tsconfig.json', 'tsconfig.webview.json']) {
  const p = program(tsconfig);
  const checker = p.getTypeChecker();
  const resolveAlias = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  for (const sf of p.getSourceFiles()) {
    const file = relative(root, sf.fileName);
    if (file.startsWith('node_modules') || file.startsWith('..')) continue;
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (moduleSymbol !== undefined && !ENTRIES.has(file) && (file.startsWith('src/') || file.startsWith('webview/')) && !file.endsWith('.test.ts') && !file.endsWith('.d.ts')) {
      for (const e of checker.getExportsOfModule(moduleSymbol)) {
        const k = key(resolveAlias(e));
        const declaration = e.declarations?.[0];
        // Types that name a signature's parts are part of the module's surface: only values count.
        const isType = declaration !== undefined && (ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration));
        if (k?.startsWith(`${file}#`) && !isType) exported.set(k, declaration ?? sf);
      }
    }
    const markAll = (target: ts.Symbol): void => {
      for (const e of checker.getExportsOfModule(target)) {
        const k = key(resolveAlias(e));
        if (k !== undefined) used.add(k);
      }
    };
    // `(await import('./x')).name` and `const { name } = await import('./x')` use only the names they
    // pick; any other use of the module object (kept in a variable, passed on) counts as using them all.
    const markLazyImport = (call: ts.CallExpression): void => {
      const specifier = call.arguments[0];
      const target = specifier === undefined ? undefined : checker.getSymbolAtLocation(specifier);
      if (target === undefined) return;
      let parent = call.parent;
      while (ts.isAwaitExpression(parent) || ts.isParenthesizedExpression(parent)) parent = parent.parent;
      const names = ts.isPropertyAccessExpression(parent)
        ? [parent.name.text]
        : ts.isVariableDeclaration(parent) && ts.isObjectBindingPattern(parent.name)
          ? parent.name.elements.map((e) => (e.propertyName ?? e.name).getText())
          : undefined;
      if (names === undefined) return markAll(target);
      for (const name of names) {
        const s = checker.getExportsOfModule(target).find((e) => e.name === name);
        const k = s === undefined ? undefined : key(resolveAlias(s));
        if (k !== undefined) used.add(k);
      }
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
        const target = checker.getSymbolAtLocation(node.moduleSpecifier);
        const clause = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : node.exportClause;
        if (target !== undefined && (clause === undefined || ts.isNamespaceImport(clause) || ts.isNamespaceExport(clause))) markAll(target);
        else if (clause !== undefined && (ts.isNamedImports(clause) || ts.isNamedExports(clause))) {
          for (const element of clause.elements) {
            const s = checker.getSymbolAtLocation(element.name);
            const k = s === undefined ? undefined : key(resolveAlias(s));
            if (k !== undefined) used.add(k);
          }
        }
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) markLazyImport(node);
      if (ts.isImportTypeNode(node) && node.qualifier !== undefined) {
        const s = checker.getSymbolAtLocation(node.qualifier);
        const k = s === undefined ? undefined : key(resolveAlias(s));
        if (k !== undefined) used.add(k);
      }
      ts.forEachChild(node, visit);
    };
    if (sf.fileName.startsWith(`${root}/`) && !sf.isDeclarationFile) visit(sf);
  }
}

// Components are outside both programs: a name in a <script> import counts as used.
const svelteImports = new Set<string>();
const walk = (dir: string): void => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.svelte')) {
      for (const m of readFileSync(path, 'utf8').matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)) {
        for (const name of (m[1] ?? '').split(',')) svelteImports.add(name.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0]?.trim() ?? '');
      }
    }
  }
};
walk(join(root, 'webview/src'));

const dead = [...exported.keys()].filter((k) => !used.has(k) && !svelteImports.has(k.split('#')[1] ?? '')).sort();
for (const k of dead) {
  const node = exported.get(k);
  const sf = node?.getSourceFile();
  const line = sf === undefined || node === undefined ? 0 : sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  console.log(`${k.split('#')[0]}:${line} ${k.split('#')[1]}`);
}
if (dead.length > 0) {
  console.error(`${dead.length} exported values nothing imports: make them file-local or delete them`);
  process.exit(1);
}
console.log('dead exports: none');
