// A copy of the built programs that node.exe can run: dist/ and bin/ as built, node_modules linked,
// and the mingw-built addon where `bindings` looks (build/Release), so the Linux addon beside it in
// the repository is never in node.exe's way.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/** Why the staged copy cannot be made, or undefined when it can. */
export function stageUnbuilt(root: string): string | undefined {
  if (!existsSync(path.join(root, 'dist/lib/net/index.js'))) return `${root}/dist is not built: run \`npm run build:ts\``;
  if (!existsSync(windowsAddon(root))) return `the Windows addon is not built: run \`npm run check:windows\` (mingw-w64)`;
  return undefined;
}

export function windowsAddon(root: string): string {
  return path.join(root, 'build-win/uftp_native.node');
}

/**
 * Makes a fresh staged copy in a new directory under `parent` and returns it (the root node.exe runs
 * from). Not under build-win/, which `npm run check:windows` empties.
 */
export function stageWindowsApp(root: string, parent: string): string {
  const unbuilt = stageUnbuilt(root);
  if (unbuilt) throw new Error(unbuilt);
  const app = mkdtempSync(path.join(parent, 'app-'));
  cpSync(path.join(root, 'dist'), path.join(app, 'dist'), { recursive: true });
  cpSync(path.join(root, 'bin'), path.join(app, 'bin'), { recursive: true });
  copyFileSync(path.join(root, 'package.json'), path.join(app, 'package.json'));
  symlinkSync(path.join(root, 'node_modules'), path.join(app, 'node_modules'));
  mkdirSync(path.join(app, 'build/Release'), { recursive: true });
  copyFileSync(windowsAddon(root), path.join(app, 'build/Release/uftp_native.node'));
  return app;
}
