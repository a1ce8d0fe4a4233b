//! No published table lets a hidden cell be worked out from its totals.
//!
//! For random tables (many small counts, as in the nationality breakdowns), the protected table
//! is attacked the way an intruder would: write every row and column with its total as a linear
//! equation, treat the hidden cells as unknowns, and solve. The test checks, independently of
//! the library's own audit, that (1) every line with a hidden cell has at least two, and (2) no
//! hidden cell is determined by the equations: each lies on a cycle of hidden cells, so moving
//! one unit around that cycle gives another completion of the table, consistent with every
//! shown count and total, in which it has a different value.

use proptest::prelude::*;
use sg_stats::disclosure::{protect, recoverable, Published, RawTable, Rule};

/// The full grid: inner cells plus a totals column and row, hidden or shown.
fn grid(t: &sg_stats::SuppressedTable) -> Vec<Vec<Published>> {
    let mut g: Vec<Vec<Published>> = t.cells.clone();
    let rt = t.row_totals.clone().unwrap();
    for (row, tot) in g.iter_mut().zip(rt) {
        row.push(tot);
    }
    let mut last = t.col_totals.clone().unwrap();
    last.push(t.grand_total.unwrap());
    g.push(last);
    g
}

/// Looks for a cycle of hidden cells through (i, j) in the grid. Negating the totals row and
/// column (and keeping the grand total) turns every line into "these cells sum to zero", so
/// alternately adding and taking one unit around a cycle keeps every equation: (i, j) is not
/// determined.
fn on_cycle(hidden: &[Vec<bool>], i: usize, j: usize) -> bool {
    // Bipartite graph: row nodes 0..r, column nodes r..r+c; edges are hidden cells. A cell is
    // on a cycle iff removing its edge leaves its row and column connected.
    let (r, c) = (hidden.len(), hidden[0].len());
    let mut seen = vec![false; r + c];
    let mut stack = vec![i];
    seen[i] = true;
    while let Some(node) = stack.pop() {
        let next: Vec<usize> = if node < r {
            (0..c).filter(|&y| hidden[node][y] && (node, y) != (i, j)).map(|y| r + y).collect()
        } else {
            let y = node - r;
            (0..r).filter(|&x| hidden[x][y] && (x, y) != (i, j)).collect()
        };
        for n in next {
            if !seen[n] {
                seen[n] = true;
                stack.push(n);
            }
        }
    }
    seen[r + j]
}

fn small_heavy_table() -> impl Strategy<Value = Vec<Vec<u64>>> {
    (2usize..7, 2usize..6).prop_flat_map(|(r, c)| {
        proptest::collection::vec(proptest::collection::vec(prop_oneof![3 => 0u64..5, 2 => 5u64..200], c), r)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_hidden_cell_can_be_solved_for(cells in small_heavy_table()) {
        let raw = RawTable {
            row_labels: (0..cells.len()).map(|i| i.to_string()).collect(),
            col_labels: (0..cells[0].len()).map(|j| j.to_string()).collect(),
            cells: cells.clone(),
            row_totals: true,
            col_totals: true,
        };
        let t = protect(&raw, &Rule::default());
        // Every small count is hidden.
        for (row, prow) in cells.iter().zip(&t.cells) {
            for (v, p) in row.iter().zip(prow) {
                if (1..5).contains(v) {
                    prop_assert_eq!(*p, Published::Hidden);
                }
            }
        }
        let g = grid(&t);
        let hidden: Vec<Vec<bool>> = g.iter().map(|r| r.iter().map(|p| *p == Published::Hidden).collect()).collect();
        // (1) at least two unknowns in every line that has one.
        for row in &hidden {
            let k = row.iter().filter(|h| **h).count();
            prop_assert!(k != 1, "a row has exactly one hidden cell");
        }
        for j in 0..hidden[0].len() {
            let k = hidden.iter().filter(|r| r[j]).count();
            prop_assert!(k != 1, "a column has exactly one hidden cell");
        }
        // (2) every hidden cell lies on a cycle of hidden cells, so it can move without
        // changing anything shown: it is not determined by the equations.
        for i in 0..hidden.len() {
            for j in 0..hidden[0].len() {
                if hidden[i][j] {
                    prop_assert!(on_cycle(&hidden, i, j), "hidden cell ({}, {}) is determined", i, j);
                }
            }
        }
        prop_assert!(recoverable(&t).is_empty());
    }
}

#[test]
fn the_audit_catches_a_bridge_between_two_cycles() {
    // Two 2×2 blocks of hidden cells joined by one hidden cell: every line has two hidden
    // cells, yet the joining cell is determined.
    let h = Published::Hidden;
    let s = Published::Count(10);
    let t = sg_stats::SuppressedTable {
        row_labels: (0..4).map(|i| i.to_string()).collect(),
        col_labels: (0..4).map(|i| i.to_string()).collect(),
        cells: vec![vec![h, h, s, s], vec![h, h, h, s], vec![s, s, h, h], vec![s, s, h, h]],
        row_totals: Some(vec![s; 4]),
        col_totals: Some(vec![s; 4]),
        grand_total: Some(s),
        primary: 0,
        secondary: 0,
    };
    assert_eq!(recoverable(&t), vec![6], "cell (1, 2) joins the two blocks and is determined");
}
