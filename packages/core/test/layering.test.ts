// The map in docs/architecture.md is the layering: which package may import which, and the layer of every folder of
// packages/core (a folder imports only lower layers, so no two folders can form a loop). This test reads both tables
// from the document and every import in the code, and fails on any import the map does not allow — so the map a
// newcomer reads is the one the code keeps.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CORE_SRC = join(ROOT, "packages/core/src");
const MAP = join(ROOT, "docs/architecture.md");
const ROOT_FILES = new Set(["index", "composition", "services", "client"]);

export interface SourceImport {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

export interface LayeringMap {
  layers: Map<string, number>;
  packages: Map<string, string[]>;
}

/**
 * The two tables of the map: `| 5 | \`orders/\` | … |` rows and `| \`apps/web\` | \`@meridian/core/trpc\` … |` rows.
 */
export function readLayeringMap(markdown: string): LayeringMap {
  const layers = new Map<string, number>();
  for (const [, layer, folder] of markdown.matchAll(/^\| (\d+) \| `([a-z]+)\/` \|/gm))
    layers.set(folder!, Number(layer));
  const packages = new Map<string, string[]>();
  for (const [, pkg, allowed] of markdown.matchAll(/^\| `((?:apps|packages)\/[a-z]+)` \| ([^|]+) \|/gm)) {
    packages.set(
      pkg!,
      [...allowed!.matchAll(/`(@meridian\/[a-z/]+)`/g)].map(([, specifier]) => specifier!),
    );
  }
  return { layers, packages };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "generated" || name.startsWith(".")) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

export function importsOf(file: string, text: string): SourceImport[] {
  const found: SourceImport[] = [];
  for (const [, type, specifier] of text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/g)) {
    found.push({ file, specifier: specifier!, typeOnly: Boolean(type) });
  }
  for (const [, specifier] of text.matchAll(/import\(\s*"([^"]+)"\s*\)/g)) {
    found.push({ file, specifier: specifier!, typeOnly: false });
  }
  return found;
}

/** The folder under packages/core/src a path sits in ("orders"), or a root file's name ("services", "composition"). */
function coreUnitOf(path: string): string {
  const parts = relative(CORE_SRC, path).split("/");
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.tsx?$/, "");
}

/** Imports between folders of packages/core that the layer table does not allow. */
export function coreViolations(imports: SourceImport[], layers: Map<string, number>): string[] {
  const violations: string[] = [];
  for (const { file, specifier, typeOnly } of imports) {
    if (!specifier.startsWith(".")) continue;
    const from = coreUnitOf(file);
    const to = coreUnitOf(join(file, "..", specifier));
    // The root files (index, composition, services, client) wire the folders together and sit above them all.
    if (from === to || ROOT_FILES.has(from)) continue;
    const where = `${relative(CORE_SRC, file)} imports "${specifier}"`;
    if (to === "services") {
      if (!typeOnly) violations.push(`${where}: services.ts may be imported as a type only`);
    } else if (to === "composition") {
      if (from !== "trpc") violations.push(`${where}: only trpc/ may import composition.ts`);
    } else if (!layers.has(from) || !layers.has(to)) {
      violations.push(`${where}: ${layers.has(from) ? to : from}/ is not on the map in docs/architecture.md`);
    } else if (layers.get(to)! >= layers.get(from)!) {
      violations.push(
        `${where}: ${from}/ (layer ${layers.get(from)}) may import only lower layers, ${to}/ is ${layers.get(to)}`,
      );
    }
  }
  return violations;
}

/** `@meridian/…` imports a package's source makes that the package table does not allow. */
export function packageViolations(
  pkg: string,
  imports: SourceImport[],
  allowed: string[],
  texts: Map<string, string>,
): string[] {
  const violations: string[] = [];
  for (const { file, specifier, typeOnly } of imports) {
    if (!specifier.startsWith("@meridian/")) continue;
    const where = `${relative(ROOT, file)} imports "${specifier}"`;
    if (!allowed.includes(specifier))
      violations.push(`${where}: ${pkg} may import ${allowed.join(", ") || "nothing of ours"}`);
    else if (pkg === "apps/web" && !typeOnly && specifier !== "@meridian/core/client" && isClient(texts.get(file))) {
      violations.push(`${where}: a client component may import only types, or @meridian/core/client, from core`);
    }
  }
  return violations;
}

/** A module the browser bundles: it says "use client", so any value it imports from core ships to the browser. */
function isClient(text: string | undefined): boolean {
  return /^["']use client["']/m.test(text ?? "");
}

function readImports(dir: string): { imports: SourceImport[]; texts: Map<string, string> } {
  const texts = new Map(sourceFiles(dir).map((file) => [file, readFileSync(file, "utf8")] as const));
  return { imports: [...texts].flatMap(([file, text]) => importsOf(file, text)), texts };
}

describe("the layering map (docs/architecture.md)", () => {
  const map = readLayeringMap(readFileSync(MAP, "utf8"));

  it("names every folder of packages/core, and only folders that exist", () => {
    const folders = readdirSync(CORE_SRC).filter((name) => statSync(join(CORE_SRC, name)).isDirectory());
    expect([...map.layers.keys()].sort()).toEqual(folders.sort());
  });

  it("is kept by every import between the folders of packages/core", () => {
    expect(coreViolations(readImports(CORE_SRC).imports, map.layers)).toEqual([]);
  });

  it("is kept by every import between packages", () => {
    expect([...map.packages.keys()].sort()).toEqual([
      "apps/broker",
      "apps/points",
      "apps/web",
      "apps/worker",
      "packages/core",
      "packages/db",
    ]);
    for (const [pkg, allowed] of map.packages) {
      const dir = join(ROOT, pkg, "src");
      expect(existsSync(dir), `${pkg}/src exists`).toBe(true);
      const { imports, texts } = readImports(dir);
      expect(packageViolations(pkg, imports, allowed, texts)).toEqual([]);
    }
  });

  it("catches an upward import, an unmapped folder, a value import of services.ts and a forbidden package", () => {
    const layers = new Map([
      ["shared", 0],
      ["ledger", 3],
      ["orders", 5],
    ]);
    const at = (path: string) => join(CORE_SRC, path);
    const imports: SourceImport[] = [
      { file: at("ledger/balances.ts"), specifier: "../orders/lifecycle", typeOnly: true },
      { file: at("orders/placeOrder.ts"), specifier: "../ledger/balances", typeOnly: false },
      { file: at("orders/placeOrder.ts"), specifier: "../saga/run", typeOnly: false },
      { file: at("shared/money.ts"), specifier: "../services", typeOnly: false },
      { file: at("orders/placeOrder.ts"), specifier: "../services", typeOnly: true },
    ];
    expect(coreViolations(imports, layers)).toEqual([
      'ledger/balances.ts imports "../orders/lifecycle": ledger/ (layer 3) may import only lower layers, orders/ is 5',
      'orders/placeOrder.ts imports "../saga/run": saga/ is not on the map in docs/architecture.md',
      'shared/money.ts imports "../services": services.ts may be imported as a type only',
    ]);
    const broker = [{ file: join(ROOT, "apps/broker/src/x.ts"), specifier: "@meridian/db", typeOnly: false }];
    expect(packageViolations("apps/broker", broker, ["@meridian/core/broker"], new Map())).toEqual([
      'apps/broker/src/x.ts imports "@meridian/db": apps/broker may import @meridian/core/broker',
    ]);
  });
});
