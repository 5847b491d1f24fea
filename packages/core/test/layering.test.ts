// The folders of packages/core import each other in one direction only: a loop between two domain modules means
// neither can be understood (or changed) without the other. This reads every import and fails on any folder cycle.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The folder a file sits in under src/ ("orders", "gateway"), or "." for files at the root. */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split("/");
  return parts.length > 1 ? parts[0]! : ".";
}

export function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const to = folderOf(join(file, "..", specifier!));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

export function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "done") return null;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe("packages/core layering", () => {
  it("has no import loop between its folders (the root files — services, composition, index — sit above them all)", () => {
    const graph = folderGraph();
    // The root's files wire the folders together; a folder that imports one (services.ts types) is not a loop.
    for (const edges of graph.values()) edges.delete(".");
    expect(findCycle(graph)).toBeNull();
  });

  it("finds a loop when there is one", () => {
    const graph = new Map([
      ["orders", new Set(["tcc"])],
      ["tcc", new Set(["ledger"])],
      ["ledger", new Set(["orders"])],
    ]);
    expect(findCycle(graph)).toEqual(["orders", "tcc", "ledger", "orders"]);
  });
});
