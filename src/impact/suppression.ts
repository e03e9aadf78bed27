import type { PublishedCount } from '../protocol/api/impact.js';

// Small-count suppression for a published table (DESIGN.md §7: "counts below 5 are shown as
// <5"). Hiding a small cell is not enough when totals are published: a row total minus the
// cells shown beside it gives the hidden cell back. So, as statistical offices do:
//
// 1. Primary suppression: every count from 1 to 4, cells and totals alike, is `<5`. (Zero is
//    shown: it describes nobody.)
// 2. Complementary suppression: more counts are withheld (`hidden`) until no withheld count can
//    be worked out from what is published, and then the table is published.
//
// "Worked out" is decided exactly, not line by line. The table with its totals is a circulation
// in a small network: the source sends each row its row total, each row sends each column its
// cell, each column sends the sink its column total, and the sink returns the grand total to
// the source; every "parts sum to the total" of a row, a column or the totals is conservation
// at one node. A reader knows each shown count, that a `<5` is 1..4 and that a `hidden` count is
// 5 or more (the two markers differ), i.e. bounds on every arc, and nothing else. Another table
// fitting everything published with a different value of some withheld count exists if and only
// if one unit can be pushed around a cycle through that count's arc in the residual network of
// the true table (network matrices are totally unimodular: the difference of two whole-number
// circulations splits into unit cycles that each stay within the bounds). So a withheld count is
// pinned exactly when no such cycle exists in either direction, which two graph searches tell.
// Looking at each row and column alone misses cases: in [[5, 1, 2], [6, 5, 0], [1, 0, 0]] with
// the first cell withheld, no single line pins it, but the totals together do
// (test/impact/suppression.test.ts).
//
// While some withheld count is pinned, one more shown count is withheld: among the non-zero
// counts sharing a row or column with pinned ones, the one whose withholding frees the most of
// them, then the smallest (least information lost). Each round withholds one more count, so
// this ends.
// Totals are computed from the true counts and withheld by the same rules.
//
// What this does not cover: tables of overlapping periods can be subtracted from each other,
// which is why the public page offers only whole calendar months (they do not overlap), and
// several metrics of one period (consultations opened and taken, say) are suppressed each on
// its own (SECURITY.md, "Impact report").

/** Counts below this are never published. */
export const SMALL_COUNT_LIMIT = 5;

export interface SuppressedTable {
  cells: PublishedCount[][];
  rowTotals: PublishedCount[];
  colTotals: PublishedCount[];
  total: PublishedCount;
}

type State = 'shown' | 'small' | 'hidden';

/** One count of the grid, as an arc of the network: from, to, its true value and what is published of it. */
interface Arc {
  from: number;
  to: number;
  value: number;
  state: State;
  /** The rows and columns it belongs to (a cell: one of each; a total: its own line and the totals' line). */
  lines: number[];
}

const isSmall = (v: number): boolean => v > 0 && v < SMALL_COUNT_LIMIT;

/** What a reader knows of an arc's value from its marker. */
function bounds(a: Arc): [number, number] {
  if (a.state === 'shown') return [a.value, a.value];
  return a.state === 'small' ? [1, SMALL_COUNT_LIMIT - 1] : [SMALL_COUNT_LIMIT, Infinity];
}

/** The arcs touching each node. */
function incidence(arcs: readonly Arc[]): Map<number, Arc[]> {
  const at = new Map<number, Arc[]>();
  for (const a of arcs) {
    for (const n of [a.from, a.to]) {
      const list = at.get(n);
      if (list) list.push(a);
      else at.set(n, [a]);
    }
  }
  return at;
}

/**
 * Whether `to` can be reached from `from` in the residual network of the true values, not using
 * arc `skip` in either direction: an arc can carry one unit more when below its upper bound
 * (forwards), one less when above its lower bound (backwards).
 */
function reachable(at: Map<number, Arc[]>, from: number, to: number, skip: Arc): boolean {
  const seen = new Set([from]);
  const queue = [from];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    if (node === to) return true;
    for (const a of at.get(node) ?? []) {
      if (a === skip) continue;
      const [lo, hi] = bounds(a);
      const next = a.from === node && a.value < hi ? a.to : a.to === node && a.value > lo ? a.from : null;
      if (next !== null && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/** The withheld counts (of `among`) that are the only value a reader's consistent tables allow them. */
function pinnedArcs(arcs: readonly Arc[], among: readonly Arc[] = arcs): Arc[] {
  const at = incidence(arcs);
  return among.filter((a) => {
    if (a.state === 'shown') return false;
    const [lo, hi] = bounds(a);
    const canRise = a.value < hi && reachable(at, a.to, a.from, a);
    const canFall = a.value > lo && reachable(at, a.from, a.to, a);
    return !canRise && !canFall;
  });
}

/**
 * The count to withhold next while `pinned` are pinned: among the shown non-zero counts sharing
 * a row or column with a pinned one, the one whose withholding frees the most pinned counts,
 * then the smallest (least information lost); null when nothing is left to withhold.
 */
function nextComplement(arcs: readonly Arc[], pinned: readonly Arc[]): Arc | null {
  const shown = arcs.filter((a) => a.state === 'shown' && a.value > 0);
  const near = shown.filter((a) => pinned.some((p) => p.lines.some((l) => a.lines.includes(l))));
  const freed = (a: Arc): number => {
    a.state = 'hidden';
    const still = pinnedArcs(arcs, pinned).length;
    a.state = 'shown';
    return pinned.length - still;
  };
  const scored = (near.length > 0 ? near : shown).map((a) => ({ a, freed: freed(a) }));
  scored.sort((x, y) => y.freed - x.freed || x.a.value - y.a.value);
  return scored[0]?.a ?? null;
}

const published = (a: Arc): PublishedCount => (a.state === 'shown' ? a.value : a.state === 'small' ? '<5' : 'hidden');

/** The table as it may be published: `values[row][column]` are true counts; totals are computed here. */
export function suppress(values: readonly (readonly number[])[]): SuppressedTable {
  const rows = values.length;
  const columns = values[0]?.length ?? 0;
  for (const row of values) {
    if (row.length !== columns) throw new RangeError('rows of unequal length');
    for (const v of row) if (!Number.isSafeInteger(v) || v < 0) throw new RangeError('counts are non-negative integers');
  }
  // Nodes: 0 the source, 1 the sink, then the rows, then the columns. Lines: the rows, the
  // columns, then the column totals' line and the row totals' line.
  const SOURCE = 0;
  const SINK = 1;
  const rowNode = (r: number): number => 2 + r;
  const colNode = (c: number): number => 2 + rows + c;
  const colTotalsLine = rows + columns;
  const rowTotalsLine = rows + columns + 1;
  const arc = (from: number, to: number, value: number, lines: number[]): Arc => ({ from, to, value, state: isSmall(value) ? 'small' : 'shown', lines });
  const cells = values.map((row, r) => row.map((v, c) => arc(rowNode(r), colNode(c), v, [r, rows + c])));
  const rowTotals = values.map((row, r) => arc(SOURCE, rowNode(r), row.reduce((a, b) => a + b, 0), [r, rowTotalsLine]));
  const colTotals = Array.from({ length: columns }, (_, c) => arc(colNode(c), SINK, values.reduce((a, row) => a + row[c]!, 0), [rows + c, colTotalsLine]));
  const total = arc(SINK, SOURCE, values.flat().reduce((a, b) => a + b, 0), [colTotalsLine, rowTotalsLine]);
  const arcs = [...cells.flat(), ...rowTotals, ...colTotals, total];

  for (;;) {
    const pinned = pinnedArcs(arcs);
    if (pinned.length === 0) break;
    const next = nextComplement(arcs, pinned);
    if (!next) break;
    next.state = 'hidden';
  }
  return {
    cells: cells.map((row) => row.map(published)),
    rowTotals: rowTotals.map(published),
    colTotals: colTotals.map(published),
    total: published(total),
  };
}
