import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { closest, type PriceCardIssue, quote } from './errors.js';
import { CARD_LIMITS } from './limits.js';

/** Where an offset of the card text is, as `line N, column M`. */
export type Locate = (offset: number) => string;

interface Anchor {
  node: Node;
  /** Values the anchored node holds once its own aliases are expanded. */
  size: number;
  /** True while the walk is inside the anchored node: an alias to it there is a cycle. */
  open: boolean;
}

interface Frame {
  collection: YAMLMap | YAMLSeq;
  /** Next child slot: a map has two per pair (key, value), a list one per item. */
  slot: number;
  size: number;
  anchor: Anchor | undefined;
  /** Map keys seen so far, with the offset of the first of each. */
  keys: Map<string, number> | undefined;
}

/**
 * Checks a parsed YAML card in one pass, in document order, and replaces every alias by the node
 * its anchor marks, so that `toJS` never resolves an alias itself (the `yaml` package scans all
 * anchors per alias, and stops at 100 aliases with a `ReferenceError` that names no line).
 *
 * Reports, with the line: duplicate map keys (checked here with a set per map; the package's own
 * `uniqueKeys` check compares each key with every earlier one, which made 40,000 models take 28 s),
 * aliases to no anchor or to the value that contains them, more than {@link CARD_LIMITS.aliases}
 * aliases, and aliases adding more than {@link CARD_LIMITS.aliasedValues} values.
 */
export function resolveYamlNodes(doc: Document.Parsed, locate: Locate): PriceCardIssue[] {
  const issues: PriceCardIssue[] = [];
  const anchors = new Map<string, Anchor>();
  const stack: Frame[] = [];
  let aliases = 0;
  let aliased = 0;

  /** The node to put where `node` is, and how many values it holds; undefined to stop. */
  const resolve = (node: unknown): { node: unknown; size: number } | undefined => {
    if (!isAlias(node)) return { node, size: isScalar(node) ? 1 : 0 };
    const offset = node.range?.[0] ?? 0;
    aliases += 1;
    if (aliases > CARD_LIMITS.aliases) {
      issues.push({
        path: locate(offset),
        expected: `expected at most ${CARD_LIMITS.aliases} aliases (*name) in a card`,
        got: `alias number ${aliases} (*${node.source})`,
        fix: 'write the values out instead of aliasing them (a generated card needs no aliases)',
      });
      return undefined;
    }
    const anchor = anchors.get(node.source);
    if (anchor === undefined) {
      const near = closest(node.source, anchors.keys(), 2)[0];
      issues.push({
        path: locate(offset),
        expected: 'expected an alias to an anchor set above it',
        got: `*${node.source}, which no &${node.source} before it sets`,
        fix: near ? `did you mean *${near}?` : `put &${node.source} on the value to repeat, above this line`,
      });
      return { node, size: 1 };
    }
    if (anchor.open) {
      issues.push({
        path: locate(offset),
        expected: 'expected an alias outside the value its anchor marks',
        got: `*${node.source} inside &${node.source}`,
        fix: 'a value cannot contain itself: write the inner value out',
      });
      return { node, size: 1 };
    }
    aliased += anchor.size;
    if (aliased > CARD_LIMITS.aliasedValues) {
      issues.push({
        path: locate(offset),
        expected: `expected aliases that add at most ${CARD_LIMITS.aliasedValues.toLocaleString('en-US')} values to the card`,
        got: `*${node.source}, which brings the values aliases add to ${aliased.toLocaleString('en-US')}`,
        fix: 'write the values out; aliases of aliases multiply (a "billion laughs" card exhausts memory this way)',
      });
      return undefined;
    }
    return { node: anchor.node, size: anchor.size };
  };

  /** Enters `node` when it is a collection, counts it otherwise. */
  const enter = (node: unknown, size: number, parent: Frame | undefined): void => {
    if (isMap(node) || isSeq(node)) {
      const anchor = node.anchor ? { node, size: 0, open: true } : undefined;
      if (anchor && node.anchor) anchors.set(node.anchor, anchor);
      stack.push({ collection: node, slot: 0, size: 1, anchor, keys: isMap(node) ? new Map() : undefined });
      return;
    }
    if (isScalar(node) && node.anchor) anchors.set(node.anchor, { node, size: 1, open: false });
    if (parent) parent.size += size;
  };

  const written = doc.contents;
  const root = resolve(written);
  if (root === undefined) return issues;
  doc.contents = root.node as typeof doc.contents;
  if (root.node === written) enter(root.node, root.size, undefined);

  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const { collection } = frame;
    const slots = isMap(collection) ? collection.items.length * 2 : collection.items.length;
    if (frame.slot >= slots) {
      stack.pop();
      if (frame.anchor) {
        frame.anchor.size = frame.size;
        frame.anchor.open = false;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.size += frame.size;
      continue;
    }
    const slot = frame.slot++;
    if (isSeq(collection)) {
      const original = collection.items[slot];
      const r = resolve(original);
      if (r === undefined) return issues;
      collection.items[slot] = r.node;
      if (r.node === original) enter(r.node, r.size, frame);
      else frame.size += r.size;
      continue;
    }
    const pair = collection.items[slot >> 1];
    if (pair === undefined) continue;
    const isKey = (slot & 1) === 0;
    const original = isKey ? pair.key : pair.value;
    const r = resolve(original);
    if (r === undefined) return issues;
    if (isKey) {
      pair.key = r.node;
      checkUniqueKey(frame, r.node, original, locate, issues);
    } else pair.value = r.node;
    if (r.node === original) enter(r.node, r.size, frame);
    else frame.size += r.size;
  }
  return issues;
}

/** Records a map key, reporting it when the map already has one that becomes the same JS key. */
function checkUniqueKey(
  frame: Frame,
  key: unknown,
  written: unknown,
  locate: Locate,
  issues: PriceCardIssue[],
): void {
  // Keys that are maps or lists are rare and refused by the schema; compare what JS keys become.
  if (!isScalar(key) || frame.keys === undefined) return;
  const name = String(key.value ?? '');
  const offset = (written as Node | null)?.range?.[0] ?? key.range?.[0] ?? 0;
  const first = frame.keys.get(name);
  if (first === undefined) {
    frame.keys.set(name, offset);
    return;
  }
  issues.push({
    path: locate(offset),
    expected: 'expected each key once in a map',
    got: `a second ${quote(name)} (the first is at ${locate(first)})`,
    fix: 'keep one of the two keys (merge their contents)',
  });
}
