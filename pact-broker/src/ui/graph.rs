//! The network graph: consumers and providers laid out in layers on the server and drawn
//! as an inline SVG, so the page needs no script and reads the same in every browser.
//!
//! The layout is a small Sugiyama one. Cycles are broken by reversing the back edges of a
//! depth-first search; pacticipants are put in layers by longest path (consumers left of
//! their providers), then moved to shorten edges; a layer too tall to read is split into
//! several consecutive layers; an edge that spans layers gets a waypoint in each layer it
//! crosses, so it passes between boxes rather than through them; barycenter sweeps order
//! each layer to reduce crossings; and each layer's vertical positions are the
//! least-squares fit to its neighbours' under the spacing constraints (pool adjacent
//! violators), so edges run as straight as the boxes let them. Boxes are as wide as their
//! label's estimated width and as tall as their edges need to arrive apart.
//!
//! Everything here is pure: [`layout`] is geometry from sizes and edges, [`svg`] the text.

use super::xml_escape;
use crate::domain::status::VerificationState;
use std::fmt::Write as _;

/// One pacticipant in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    /// Its name, the box's label.
    pub name: String,
    /// Where its box links to: its own network page.
    pub href: String,
}

/// One integration: an arrow from the consumer to the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edge {
    /// The consumer's index in the nodes.
    pub consumer: usize,
    /// The provider's index in the nodes.
    pub provider: usize,
    /// Its last verified state: the arrow's colour, dash and title.
    pub state: VerificationState,
    /// Where the arrow links to: the latest pact.
    pub href: String,
}

/// What the SVG shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Graph {
    /// What the picture is of, for its `<title>` (screen readers announce it).
    pub title: String,
    /// The pacticipants.
    pub nodes: Vec<Node>,
    /// The integrations between them.
    pub edges: Vec<Edge>,
    /// The pacticipant the page is about, drawn highlighted.
    pub focus: Option<usize>,
}

/// A point of the drawing, in SVG user units (pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    /// From the left edge.
    pub x: f64,
    /// From the top edge.
    pub y: f64,
}

/// A node's box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    /// The left side.
    pub x: f64,
    /// The top side.
    pub y: f64,
    /// The width: the label's, with padding.
    pub w: f64,
    /// The height: enough for the edges on its busier side to arrive apart.
    pub h: f64,
}

// What the tests check a layout against.
#[cfg(test)]
impl Rect {
    /// Whether `p` lies on the box's border (within rounding).
    pub fn on_border(&self, p: Point) -> bool {
        const E: f64 = 0.01;
        let inside_x = p.x >= self.x - E && p.x <= self.x + self.w + E;
        let inside_y = p.y >= self.y - E && p.y <= self.y + self.h + E;
        let on_vertical = (p.x - self.x).abs() < E || (p.x - self.x - self.w).abs() < E;
        let on_horizontal = (p.y - self.y).abs() < E || (p.y - self.y - self.h).abs() < E;
        inside_x && inside_y && (on_vertical || on_horizontal)
    }

    /// Whether the two boxes share any area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    /// Whether `p` lies strictly inside the box.
    pub fn contains(&self, p: Point) -> bool {
        p.x > self.x && p.x < self.x + self.w && p.y > self.y && p.y < self.y + self.h
    }
}

/// How one edge is drawn: from the consumer's box to the provider's.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Route {
    /// The points it passes through, the first on the consumer's box and the last on the
    /// provider's; the segments between them are horizontal in the layers and curves with
    /// horizontal tangents between layers.
    pub points: Vec<Point>,
    /// A pacticipant's pact with itself: a loop out of the box's right side and back.
    pub looped: bool,
}

/// Where everything goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    /// The drawing's width.
    pub width: f64,
    /// The drawing's height.
    pub height: f64,
    /// Each node's box, in the order of the nodes.
    pub boxes: Vec<Rect>,
    /// Each edge's route, in the order of the edges.
    pub routes: Vec<Route>,
}

/// The labels' font size, in pixels.
const FONT_SIZE: f64 = 13.0;
/// Room left and right of a label in its box.
const PAD_X: f64 = 10.0;
/// The height of a box with few edges.
const MIN_NODE_H: f64 = 28.0;
/// Vertical distance between the edges arriving at (or leaving) one side of a box, so
/// their arrowheads stay apart.
const PORT_STEP: f64 = 8.0;
/// Vertical space between two boxes of a layer.
const NODE_SEP: f64 = 14.0;
/// Vertical space between an edge passing through a layer and its neighbours.
const WAYPOINT_SEP: f64 = 7.0;
/// Empty space around the drawing.
const MARGIN: f64 = 16.0;
/// The narrowest and widest gaps between layers; steeper edges get wider gaps.
const MIN_GAP: f64 = 72.0;
const MAX_GAP: f64 = 220.0;
/// How far a self-loop reaches right of its box.
const LOOP_REACH: f64 = 34.0;
/// Longer names are shortened in their box (the box's tooltip has the whole name).
const MAX_LABEL_CHARS: usize = 36;
/// Barycenter sweeps (each down and up) tried to reduce crossings.
const ORDER_ROUNDS: usize = 8;
/// Passes of the vertical placement.
const PLACE_ROUNDS: usize = 6;

/// The text in a node's box: the name, shortened with an ellipsis when very long.
pub(crate) fn label(name: &str) -> String {
    if name.chars().count() <= MAX_LABEL_CHARS {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(MAX_LABEL_CHARS - 1).collect();
        s.push('\u{2026}');
        s
    }
}

/// The width `text` takes at the labels' font size: a per-character estimate for a
/// proportional sans-serif font, erring wide so labels never spill out of their box.
pub(crate) fn text_width(text: &str) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 'I' | '!' | '|' | '.' | ',' | ':' | ';' | '\'' => 0.30,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '[' | ']' | '-' | '/' => 0.40,
            'm' | 'w' | 'M' | 'W' | '@' => 0.95,
            'A'..='Z' => 0.75,
            'a'..='z' | '0'..='9' | '_' => 0.60,
            c if c.is_ascii() => 0.65,
            // CJK, Hangul and other wide scripts take a full em; the rest about 0.75.
            c if ('\u{1100}'..='\u{115F}').contains(&c)
                || ('\u{2E80}'..='\u{A4CF}').contains(&c)
                || ('\u{AC00}'..='\u{D7A3}').contains(&c)
                || ('\u{F900}'..='\u{FAFF}').contains(&c)
                || ('\u{FF00}'..='\u{FF60}').contains(&c)
                || c > '\u{1F000}' =>
            {
                1.0
            }
            _ => 0.75,
        })
        .sum();
    em * FONT_SIZE * 1.05
}

/// The width of the box of a node named `name`.
pub(crate) fn box_width(name: &str) -> f64 {
    (text_width(&label(name)) + 2.0 * PAD_X).ceil()
}

/// The colour of an edge in `state`: the dashboard's state colours, with a darker yellow
/// for `changed` so a thin line stays visible on white (3:1 against it).
pub(crate) fn colour(state: VerificationState) -> &'static str {
    match state {
        VerificationState::Verified => "#1a7f37",
        VerificationState::Failed | VerificationState::FailedPending => "#c62828",
        VerificationState::Changed => "#b08800",
        VerificationState::Unverified => "#57606a",
    }
}

/// The dash pattern of an edge in `state`: a failure while pending is dashed, the rest
/// solid.
pub(crate) fn dash(state: VerificationState) -> Option<&'static str> {
    (state == VerificationState::FailedPending).then_some("6 4")
}

/// The five states, in the order the legend lists them.
pub(crate) const STATES: [VerificationState; 5] = [
    VerificationState::Verified,
    VerificationState::Failed,
    VerificationState::FailedPending,
    VerificationState::Changed,
    VerificationState::Unverified,
];

/// The layout of nodes of these widths with these edges (consumer, provider).
pub(crate) fn layout(widths: &[f64], edges: &[(usize, usize)]) -> Layout {
    let n = widths.len();
    let reversed = back_edges(n, edges);
    // Edges in layout direction (left to right), self-loops aside.
    let flow: Vec<Option<(usize, usize)>> = edges
        .iter()
        .zip(&reversed)
        .map(|(&(c, p), &r)| match (c == p, r) {
            (true, _) => None,
            (false, false) => Some((c, p)),
            (false, true) => Some((p, c)),
        })
        .collect();
    let mut preds = vec![Vec::new(); n];
    let mut succs = vec![Vec::new(); n];
    for &(u, v) in flow.iter().flatten() {
        succs[u].push(v);
        preds[v].push(u);
    }
    let layer = layers(n, &preds, &succs);
    let layer_count = layer.iter().max().map_or(0, |l| l + 1);

    // Slots: the nodes, then one waypoint per layer an edge crosses.
    let mut slot_layer: Vec<usize> = layer.clone();
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
    for (e, f) in flow.iter().enumerate() {
        if let Some((u, v)) = *f {
            let mut chain = vec![u];
            for l in layer[u] + 1..layer[v] {
                chain.push(slot_layer.len());
                slot_layer.push(l);
            }
            chain.push(v);
            chains[e] = chain;
        }
    }
    let slots = slot_layer.len();
    let mut up = vec![Vec::new(); slots];
    let mut down = vec![Vec::new(); slots];
    for chain in &chains {
        for pair in chain.windows(2) {
            down[pair[0]].push(pair[1]);
            up[pair[1]].push(pair[0]);
        }
    }
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for (s, &l) in slot_layer.iter().enumerate() {
        rows[l].push(s);
    }
    order(&mut rows, &up, &down, slots);

    // Ports: each side of a box gets one point per edge, in the order of where the edges
    // come from or go to, so edges do not cross at the box.
    let mut left_count = vec![0usize; n];
    let mut right_count = vec![0usize; n];
    for (e, chain) in chains.iter().enumerate() {
        if let (Some(&u), Some(&v)) = (chain.first(), chain.last()) {
            right_count[u] += 1;
            left_count[v] += 1;
        } else {
            right_count[edges[e].0] += 2;
        }
    }
    let heights: Vec<f64> = (0..slots)
        .map(|s| {
            if s < n {
                MIN_NODE_H.max(PORT_STEP * (left_count[s].max(right_count[s]) + 1) as f64)
            } else {
                0.0
            }
        })
        .collect();
    let y = place(&rows, &up, &down, &heights, n);

    // Columns: as wide as their widest box, with gaps as wide as their steepest edge needs.
    let mut column_w = vec![0.0f64; layer_count];
    for v in 0..n {
        column_w[layer[v]] = column_w[layer[v]].max(widths[v]);
    }
    let mut gaps = vec![MIN_GAP; layer_count.saturating_sub(1)];
    for (s, next) in down.iter().enumerate() {
        for &t in next {
            let g = &mut gaps[slot_layer[s]];
            *g = g.max((0.15 * (y[s] - y[t]).abs()).min(MAX_GAP));
        }
    }
    let mut column_x = vec![MARGIN; layer_count];
    for l in 1..layer_count {
        column_x[l] = column_x[l - 1] + column_w[l - 1] + gaps[l - 1];
    }
    let boxes: Vec<Rect> = (0..n)
        .map(|v| Rect {
            x: column_x[layer[v]],
            y: y[v] - heights[v] / 2.0,
            w: widths[v],
            h: heights[v],
        })
        .collect();

    let port =
        |rect: &Rect, k: usize, of: usize| rect.y + rect.h * (k + 1) as f64 / (of + 1) as f64;
    // The ports of each node's sides, by edge.
    let mut start_y = vec![0.0; edges.len()];
    let mut end_y = vec![0.0; edges.len()];
    let mut loop_y = vec![(0.0, 0.0); edges.len()];
    let mut left: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut right: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (e, chain) in chains.iter().enumerate() {
        if chain.len() >= 2 {
            right[chain[0]].push((y[chain[1]], e));
            left[chain[chain.len() - 1]].push((y[chain[chain.len() - 2]], e));
        } else {
            right[edges[e].0].push((f64::INFINITY, e));
        }
    }
    for v in 0..n {
        left[v].sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        right[v].sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (k, &(_, e)) in left[v].iter().enumerate() {
            end_y[e] = port(&boxes[v], k, left_count[v]);
        }
        let mut k = 0;
        for &(_, e) in &right[v] {
            if chains[e].is_empty() {
                loop_y[e] = (
                    port(&boxes[v], k, right_count[v]),
                    port(&boxes[v], k + 1, right_count[v]),
                );
                k += 2;
            } else {
                start_y[e] = port(&boxes[v], k, right_count[v]);
                k += 1;
            }
        }
    }

    let routes: Vec<Route> = chains
        .iter()
        .enumerate()
        .map(|(e, chain)| {
            if chain.is_empty() {
                let b = boxes[edges[e].0];
                let (y1, y2) = loop_y[e];
                return Route {
                    points: vec![
                        Point {
                            x: b.x + b.w,
                            y: y1,
                        },
                        Point {
                            x: b.x + b.w,
                            y: y2,
                        },
                    ],
                    looped: true,
                };
            }
            let (u, v) = (chain[0], chain[chain.len() - 1]);
            let mut points = vec![Point {
                x: boxes[u].x + boxes[u].w,
                y: start_y[e],
            }];
            let column_end = column_x[layer[u]] + column_w[layer[u]];
            if boxes[u].w < column_w[layer[u]] {
                points.push(Point {
                    x: column_end,
                    y: start_y[e],
                });
            }
            for &d in &chain[1..chain.len() - 1] {
                let l = slot_layer[d];
                points.push(Point {
                    x: column_x[l],
                    y: y[d],
                });
                points.push(Point {
                    x: column_x[l] + column_w[l],
                    y: y[d],
                });
            }
            points.push(Point {
                x: boxes[v].x,
                y: end_y[e],
            });
            if reversed[e] {
                points.reverse();
            }
            Route {
                points,
                looped: false,
            }
        })
        .collect();

    let has_loop = routes.iter().any(|r| r.looped);
    let width = column_x
        .last()
        .zip(column_w.last())
        .map_or(2.0 * MARGIN, |(x, w)| x + w + MARGIN)
        + if has_loop { LOOP_REACH } else { 0.0 };
    let height = boxes
        .iter()
        .map(|b| b.y + b.h)
        .chain((n..slots).map(|s| y[s]))
        .fold(MARGIN, f64::max)
        + MARGIN;
    Layout {
        width: width.ceil(),
        height: height.ceil(),
        boxes,
        routes,
    }
}

/// Which edges to reverse so the graph has no cycle: those pointing backwards in the
/// order of Eades, Lin and Smyth's greedy heuristic (sinks go last and sources first as
/// they appear; when neither is left, the node with the most more providers than
/// consumers goes next). Unlike the back edges of a depth-first search, this reverses the
/// few edges against the grain of the system rather than the ones a search happened to
/// reach last, so a pact from a back end to a front end does not stretch the picture.
fn back_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut inc: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(c, p) in edges {
        if c != p {
            out[c].push(p);
            inc[p].push(c);
        }
    }
    let mut outdeg: Vec<usize> = out.iter().map(Vec::len).collect();
    let mut indeg: Vec<usize> = inc.iter().map(Vec::len).collect();
    let mut removed = vec![false; n];
    let mut first = Vec::with_capacity(n);
    let mut last = Vec::new();
    let mut left = n;
    let remove = |v: usize,
                  removed: &mut [bool],
                  indeg: &mut [usize],
                  outdeg: &mut [usize],
                  left: &mut usize| {
        removed[v] = true;
        *left -= 1;
        for &w in &out[v] {
            indeg[w] -= 1;
        }
        for &w in &inc[v] {
            outdeg[w] -= 1;
        }
    };
    while left > 0 {
        let mut progress = true;
        while progress {
            progress = false;
            for v in 0..n {
                if removed[v] {
                    continue;
                }
                if outdeg[v] == 0 {
                    remove(v, &mut removed, &mut indeg, &mut outdeg, &mut left);
                    last.push(v);
                    progress = true;
                } else if indeg[v] == 0 {
                    remove(v, &mut removed, &mut indeg, &mut outdeg, &mut left);
                    first.push(v);
                    progress = true;
                }
            }
        }
        if let Some(v) = (0..n)
            .filter(|&v| !removed[v])
            .max_by_key(|&v| (outdeg[v] as isize - indeg[v] as isize, std::cmp::Reverse(v)))
        {
            remove(v, &mut removed, &mut indeg, &mut outdeg, &mut left);
            first.push(v);
        }
    }
    first.extend(last.iter().rev());
    let mut position = vec![0usize; n];
    for (i, &v) in first.iter().enumerate() {
        position[v] = i;
    }
    edges
        .iter()
        .map(|&(c, p)| c != p && position[c] > position[p])
        .collect()
}

/// The layer of each node in an acyclic graph: longest path from the sources, nodes then
/// moved towards the side with more of their edges (shortening them), empty layers
/// removed, and layers holding more nodes than a readable column split into several.
fn layers(n: usize, preds: &[Vec<usize>], succs: &[Vec<usize>]) -> Vec<usize> {
    let mut indegree: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut topo: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut i = 0;
    while i < topo.len() {
        let v = topo[i];
        i += 1;
        for &w in &succs[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                topo.push(w);
            }
        }
    }
    let mut layer = vec![0usize; n];
    for &v in &topo {
        layer[v] = preds[v].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
    }
    for _ in 0..4 {
        for &v in topo.iter().rev() {
            let (ins, outs) = (preds[v].len(), succs[v].len());
            if outs > ins {
                if let Some(hi) = succs[v].iter().map(|&s| layer[s]).min() {
                    layer[v] = hi - 1;
                }
            } else if ins > outs {
                layer[v] = preds[v].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
            }
        }
    }
    // Renumber without gaps; the order of layers, so every edge's direction, is kept.
    let mut used: Vec<usize> = layer.clone();
    used.sort_unstable();
    used.dedup();
    for l in &mut layer {
        *l = used.binary_search(l).unwrap_or(0);
    }
    // A layer of more nodes than a column shows well becomes several consecutive layers
    // (no edge joins two nodes of one layer, so any split keeps edges pointing right):
    // nodes with more providers than consumers go in the later ones, nearer their
    // providers.
    let cap = ((7.0 * n as f64).sqrt().ceil() as usize).clamp(8, 40);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); used.len()];
    for v in 0..n {
        members[layer[v]].push(v);
    }
    let mut next = 0;
    for mut m in members {
        m.sort_by_key(|&v| (succs[v].len() as isize - preds[v].len() as isize, v));
        let parts = m.len().div_ceil(cap).max(1);
        let size = m.len().div_ceil(parts).max(1);
        for (k, &v) in m.iter().enumerate() {
            layer[v] = next + k / size;
        }
        next += parts;
    }
    layer
}

/// Orders each layer (`rows`) to reduce crossings: barycenter sweeps down and up, keeping
/// the order with the fewest crossings seen.
fn order(rows: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>], slots: usize) {
    let mut pos = vec![0.0f64; slots];
    let set_positions = |rows: &[Vec<usize>], pos: &mut [f64]| {
        for row in rows {
            for (i, &s) in row.iter().enumerate() {
                pos[s] = i as f64;
            }
        }
    };
    set_positions(rows, &mut pos);
    let sweep = |row: &mut Vec<usize>, pos: &mut [f64], neighbours: &[Vec<usize>]| {
        let key = |s: usize| {
            let ns = &neighbours[s];
            if ns.is_empty() {
                pos[s]
            } else {
                ns.iter().map(|&t| pos[t]).sum::<f64>() / ns.len() as f64
            }
        };
        let mut keyed: Vec<(f64, f64, usize)> = row.iter().map(|&s| (key(s), pos[s], s)).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for (i, &(_, _, s)) in keyed.iter().enumerate() {
            row[i] = s;
            pos[s] = i as f64;
        }
    };
    // The first layer stays in the nodes' order; the others follow it.
    for row in rows.iter_mut().skip(1) {
        sweep(row, &mut pos, up);
    }
    let mut best = rows.to_vec();
    let mut fewest = crossings(rows, down, &pos);
    for _ in 0..ORDER_ROUNDS {
        if fewest == 0 {
            break;
        }
        let below = rows.len().saturating_sub(1);
        for row in rows[..below].iter_mut().rev() {
            sweep(row, &mut pos, down);
        }
        for row in rows.iter_mut().skip(1) {
            sweep(row, &mut pos, up);
        }
        let c = crossings(rows, down, &pos);
        if c < fewest {
            fewest = c;
            best = rows.to_vec();
        }
    }
    rows.clone_from_slice(&best);
}

/// The number of edge crossings between consecutive layers: per pair of layers, the
/// inversions of the lower ends when the edges are sorted by their upper ends (counted
/// with a Fenwick tree, so a few thousand edges cost nothing).
fn crossings(rows: &[Vec<usize>], down: &[Vec<usize>], pos: &[f64]) -> usize {
    let mut total = 0;
    for l in 0..rows.len().saturating_sub(1) {
        let mut pairs: Vec<(usize, usize)> = rows[l]
            .iter()
            .flat_map(|&s| {
                down[s]
                    .iter()
                    .map(move |&t| (pos[s] as usize, pos[t] as usize))
            })
            .collect();
        pairs.sort_unstable();
        let size = rows[l + 1].len() + 1;
        let mut tree = vec![0usize; size + 1];
        for (seen, &(_, b)) in pairs.iter().enumerate() {
            // Edges seen so far ending after b cross this one.
            let mut i = b + 1;
            let mut not_after = 0;
            while i > 0 {
                not_after += tree[i];
                i &= i - 1;
            }
            total += seen - not_after;
            let mut i = b + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// The vertical centre of every slot: each layer stacked, then alternately fitted to the
/// layer before and after it.
fn place(
    rows: &[Vec<usize>],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
    heights: &[f64],
    n: usize,
) -> Vec<f64> {
    let slots = heights.len();
    let sep = |a: usize, b: usize| {
        let space = if a < n && b < n {
            NODE_SEP
        } else {
            WAYPOINT_SEP
        };
        heights[a] / 2.0 + heights[b] / 2.0 + space
    };
    let mut y = vec![0.0f64; slots];
    let mut tallest = 0.0f64;
    let mut extents = Vec::with_capacity(rows.len());
    for row in rows {
        let mut at = 0.0;
        for (i, &s) in row.iter().enumerate() {
            if i > 0 {
                at += sep(row[i - 1], s);
            }
            y[s] = at;
        }
        let extent = at
            + row.first().map_or(0.0, |&s| heights[s] / 2.0)
            + row.last().map_or(0.0, |&s| heights[s] / 2.0);
        tallest = tallest.max(extent);
        extents.push(extent);
    }
    for (row, extent) in rows.iter().zip(extents) {
        let shift = (tallest - extent) / 2.0;
        for &s in row {
            y[s] += shift;
        }
    }
    let fit = |row: &[usize], y: &mut Vec<f64>, sides: &[&[Vec<usize>]]| {
        let desired: Vec<f64> = row
            .iter()
            .map(|&s| {
                let (sum, count) = sides
                    .iter()
                    .flat_map(|side| side[s].iter())
                    .fold((0.0, 0usize), |(sum, c), &t| (sum + y[t], c + 1));
                if count == 0 {
                    y[s]
                } else {
                    sum / count as f64
                }
            })
            .collect();
        let placed = fit_in_order(row, &desired, &sep);
        for (&s, v) in row.iter().zip(placed) {
            y[s] = v;
        }
    };
    for _ in 0..PLACE_ROUNDS {
        for row in rows.iter().skip(1) {
            fit(row, &mut y, &[up]);
        }
        for row in rows.iter().rev().skip(1) {
            fit(row, &mut y, &[down]);
        }
    }
    for row in rows {
        fit(row, &mut y, &[up, down]);
    }
    let top = (0..slots)
        .map(|s| y[s] - heights[s] / 2.0)
        .fold(f64::INFINITY, f64::min);
    if top.is_finite() {
        for v in &mut y {
            *v += MARGIN - top;
        }
    }
    y
}

/// The positions closest (least squares) to `desired` that keep `row`'s order and at least
/// `sep(a, b)` between neighbours: with offsets taken out the constraint is that positions
/// do not decrease, which pool-adjacent-violators solves in one pass.
fn fit_in_order(row: &[usize], desired: &[f64], sep: &dyn Fn(usize, usize) -> f64) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(row.len());
    let mut at = 0.0;
    for (i, &s) in row.iter().enumerate() {
        if i > 0 {
            at += sep(row[i - 1], s);
        }
        offsets.push(at);
    }
    // Blocks of (sum, count): each block's members share the mean.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(row.len());
    for (d, o) in desired.iter().zip(&offsets) {
        blocks.push((d - o, 1));
        while blocks.len() >= 2 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s1 + s2, c1 + c2);
        }
    }
    blocks
        .iter()
        .flat_map(|&(sum, count)| std::iter::repeat_n(sum / count as f64, count))
        .zip(offsets)
        .map(|(z, o)| z + o)
        .collect()
}

/// A coordinate as short text: whole numbers without decimals, others with one.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// The SVG path of a route.
fn path(route: &Route) -> String {
    let p = &route.points;
    let mut d = format!("M{},{}", num(p[0].x), num(p[0].y));
    if route.looped {
        let (a, b) = (p[0], p[p.len() - 1]);
        let x = num(a.x + LOOP_REACH);
        let _ = write!(
            d,
            "C{x},{} {x},{} {},{}",
            num(a.y),
            num(b.y),
            num(b.x),
            num(b.y)
        );
        return d;
    }
    for pair in p.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if (a.y - b.y).abs() < 0.05 {
            let _ = write!(d, "H{}", num(b.x));
        } else {
            let mid = (a.x + b.x) / 2.0;
            let _ = write!(
                d,
                "C{},{} {},{} {},{}",
                num(mid),
                num(a.y),
                num(mid),
                num(b.y),
                num(b.x),
                num(b.y)
            );
        }
    }
    d
}

/// The id the SVG's `<title>` has, for `aria-labelledby`.
pub(crate) const TITLE_ID: &str = "network-graph-title";

/// The graph as an inline SVG element: boxes linking to each pacticipant's network, arrows
/// linking to each pact, coloured by state and titled "Consumer → Provider: state" so the
/// state is not told by colour alone.
pub(crate) fn svg(graph: &Graph) -> String {
    let widths: Vec<f64> = graph.nodes.iter().map(|n| box_width(&n.name)).collect();
    let pairs: Vec<(usize, usize)> = graph
        .edges
        .iter()
        .map(|e| (e.consumer, e.provider))
        .collect();
    let l = layout(&widths, &pairs);
    let mut out = String::with_capacity(512 + graph.edges.len() * 700 + graph.nodes.len() * 300);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"network\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{TITLE_ID}\">\
         <title id=\"{TITLE_ID}\">{}</title><defs>",
        xml_escape(&graph.title),
        w = num(l.width),
        h = num(l.height),
    );
    for state in STATES {
        let _ = write!(
            out,
            "<marker id=\"net-arrow-{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
             markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">\
             <path d=\"M0,0L10,5L0,10z\" fill=\"{}\"/></marker>",
            state.slug(),
            colour(state)
        );
    }
    out.push_str("</defs><g class=\"edges\" fill=\"none\" stroke-width=\"1.6\">");
    // Problems drawn last, on top of the edges that are fine.
    let mut drawn: Vec<usize> = (0..graph.edges.len()).collect();
    drawn.sort_by_key(|&e| match graph.edges[e].state {
        VerificationState::Unverified => 0,
        VerificationState::Verified => 1,
        VerificationState::Changed => 2,
        VerificationState::FailedPending => 3,
        VerificationState::Failed => 4,
    });
    for e in drawn {
        let edge = &graph.edges[e];
        let d = path(&l.routes[e]);
        let (consumer, provider) = (
            &graph.nodes[edge.consumer].name,
            &graph.nodes[edge.provider].name,
        );
        let dashed =
            dash(edge.state).map_or(String::new(), |p| format!(" stroke-dasharray=\"{p}\""));
        let _ = write!(
            out,
            "<a href=\"{href}\" class=\"edge edge-{slug}\" data-consumer=\"{c}\" data-provider=\"{p}\">\
             <title>{c} \u{2192} {p}: {label}</title>\
             <path d=\"{d}\" stroke=\"{colour}\"{dashed} marker-end=\"url(#net-arrow-{slug})\"/>\
             <path d=\"{d}\" stroke=\"#ffffff\" stroke-opacity=\"0\" stroke-width=\"9\"/></a>",
            href = xml_escape(&edge.href),
            slug = edge.state.slug(),
            c = xml_escape(consumer),
            p = xml_escape(provider),
            label = edge.state.label(),
            colour = colour(edge.state),
        );
    }
    out.push_str(
        "</g><g class=\"nodes\" font-family=\"system-ui, -apple-system, Segoe UI, Roboto, sans-serif\" \
         font-size=\"13\" fill=\"#1f2328\">",
    );
    for (v, node) in graph.nodes.iter().enumerate() {
        let b = l.boxes[v];
        let (fill, stroke, width) = if graph.focus == Some(v) {
            ("#ddf4ff", "#0550ae", "2.5")
        } else {
            ("#f6f8fa", "#57606a", "1")
        };
        let name = xml_escape(&node.name);
        let _ = write!(
            out,
            "<a href=\"{}\" class=\"node\" data-name=\"{name}\"><title>{name}</title>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>\
             <text x=\"{}\" y=\"{}\" dominant-baseline=\"central\">{}</text></a>",
            xml_escape(&node.href),
            num(b.x),
            num(b.y),
            num(b.w),
            num(b.h),
            num(b.x + PAD_X),
            num(b.y + b.h / 2.0),
            xml_escape(&label(&node.name)),
        );
    }
    out.push_str("</g></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use VerificationState::*;

    fn graph(names: &[&str], edges: &[(usize, usize, VerificationState)]) -> Graph {
        Graph {
            title: "The network".into(),
            nodes: names
                .iter()
                .map(|n| Node {
                    name: n.to_string(),
                    href: format!("/pacticipants/{n}/network"),
                })
                .collect(),
            edges: edges
                .iter()
                .map(|&(c, p, state)| Edge {
                    consumer: c,
                    provider: p,
                    state,
                    href: format!("/pacts/provider/{}/consumer/{}/latest", names[p], names[c]),
                })
                .collect(),
            focus: None,
        }
    }

    /// What every layout must be: boxes apart, every route from its consumer's border to
    /// its provider's, and waypoints outside every box.
    fn assert_readable(widths: &[f64], edges: &[(usize, usize)], l: &Layout) {
        assert_eq!(l.boxes.len(), widths.len());
        assert_eq!(l.routes.len(), edges.len());
        for (i, a) in l.boxes.iter().enumerate() {
            assert!(a.w >= widths[i], "box {i} narrower than its label");
            assert!(a.x >= 0.0 && a.y >= 0.0, "box {i} outside: {a:?}");
            assert!(
                a.x + a.w <= l.width && a.y + a.h <= l.height,
                "box {i} outside: {a:?}"
            );
            for (j, b) in l.boxes.iter().enumerate().skip(i + 1) {
                assert!(!a.overlaps(b), "boxes {i} and {j} overlap: {a:?} {b:?}");
            }
        }
        for (e, (&(c, p), r)) in edges.iter().zip(&l.routes).enumerate() {
            let (first, last) = (r.points[0], r.points[r.points.len() - 1]);
            assert!(
                l.boxes[c].on_border(first),
                "edge {e} starts off its consumer: {first:?} {:?}",
                l.boxes[c]
            );
            assert!(
                l.boxes[p].on_border(last),
                "edge {e} ends off its provider: {last:?} {:?}",
                l.boxes[p]
            );
            for point in &r.points[1..r.points.len() - 1] {
                for (v, b) in l.boxes.iter().enumerate() {
                    assert!(
                        !b.contains(*point),
                        "edge {e} passes through box {v}: {point:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn consumers_stand_left_of_their_providers_and_long_edges_go_around() {
        // A→B, A→C, C→B: A, then C, then B, with A→B passing C's layer beside C.
        let widths = [60.0, 60.0, 60.0];
        let edges = [(0, 1), (0, 2), (2, 1)];
        let l = layout(&widths, &edges);
        assert_readable(&widths, &edges, &l);
        let (a, b, c) = (l.boxes[0], l.boxes[1], l.boxes[2]);
        assert!(a.x < c.x && c.x < b.x, "{a:?} {c:?} {b:?}");
        assert_eq!(
            l.routes[0].points.len(),
            4,
            "A→B has a waypoint pair: {:?}",
            l.routes[0]
        );
        assert!(!l.routes.iter().any(|r| r.looped));
    }

    #[test]
    fn cycles_and_self_pacts_are_drawn_with_arrows_still_ending_at_the_provider() {
        let widths = [50.0, 70.0, 40.0];
        let edges = [(0, 1), (1, 2), (2, 0), (1, 1), (1, 0)];
        let l = layout(&widths, &edges);
        assert_readable(&widths, &edges, &l);
        assert!(l.routes[3].looped);
        let right = l.boxes[1].x + l.boxes[1].w;
        assert!(l.routes[3]
            .points
            .iter()
            .all(|p| (p.x - right).abs() < 0.01));
        assert!(l.width >= right + LOOP_REACH);
    }

    #[test]
    fn barycenter_sweeps_uncross_edges() {
        // A→D and B→C cross in the nodes' order; in the layout they run parallel.
        let widths = [40.0; 4];
        let edges = [(0, 3), (1, 2)];
        let l = layout(&widths, &edges);
        assert_readable(&widths, &edges, &l);
        let above = |i: usize, j: usize| l.boxes[i].y < l.boxes[j].y;
        assert_eq!(above(0, 1), above(3, 2), "{:?}", l.boxes);
    }

    #[test]
    fn edges_into_one_box_arrive_apart() {
        // Six consumers of one provider: its box grows so the six arrowheads do not meet.
        let widths = [40.0; 7];
        let edges: Vec<(usize, usize)> = (1..7).map(|c| (c, 0)).collect();
        let l = layout(&widths, &edges);
        assert_readable(&widths, &edges, &l);
        let mut ends: Vec<f64> = l
            .routes
            .iter()
            .map(|r| r.points.last().unwrap().y)
            .collect();
        ends.sort_by(f64::total_cmp);
        assert!(
            ends.windows(2).all(|w| w[1] - w[0] >= PORT_STEP - 0.01),
            "{ends:?}"
        );
    }

    #[test]
    fn the_svg_links_every_edge_and_node_with_its_state_in_words() {
        let g = graph(
            &["A", "B", "C"],
            &[(0, 1, Verified), (0, 2, Failed), (2, 1, FailedPending)],
        );
        let svg = svg(&g);
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.contains(&format!("role=\"img\" aria-labelledby=\"{TITLE_ID}\"")));
        assert!(svg.contains(&format!("<title id=\"{TITLE_ID}\">The network</title>")));
        assert!(svg.contains(
            "<a href=\"/pacts/provider/B/consumer/A/latest\" class=\"edge edge-verified\""
        ));
        assert!(svg.contains("<title>A \u{2192} B: verified</title>"));
        assert!(svg.contains("<title>A \u{2192} C: failed</title>"));
        assert!(svg.contains("<title>C \u{2192} B: failed (pending)</title>"));
        assert!(svg.contains("stroke=\"#1a7f37\" marker-end=\"url(#net-arrow-verified)\""));
        assert!(svg.contains(
            "stroke=\"#c62828\" stroke-dasharray=\"6 4\" marker-end=\"url(#net-arrow-pending)\""
        ));
        for state in STATES {
            assert!(svg.contains(&format!("<marker id=\"net-arrow-{}\"", state.slug())));
        }
        assert!(svg.contains("<a href=\"/pacticipants/C/network\" class=\"node\""));
        assert_eq!(svg.matches("class=\"edge ").count(), 3);
        assert_eq!(svg.matches("class=\"node\"").count(), 3);
        // Failures are drawn last, over the rest.
        assert!(svg.find("edge-verified") < svg.find("edge-failed"));
        assert!(
            !svg.contains("style="),
            "the page's CSP forbids inline styles"
        );
    }

    #[test]
    fn names_and_hrefs_are_escaped_and_long_names_shortened() {
        let long = "a-very-long-pacticipant-name-that-goes-on-and-on-forever";
        let mut g = graph(
            &["<script>alert('x')</script>", "Tom & \"Jerry\"", long],
            &[(0, 1, Changed), (1, 2, Unverified)],
        );
        g.title = "Network of <b>".into();
        g.edges[0].href = "/pacts/provider/x?a=1&b=\"2\"".into();
        let svg = svg(&g);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(svg.contains("Tom &amp; &quot;Jerry&quot;"));
        assert!(svg.contains("href=\"/pacts/provider/x?a=1&amp;b=&quot;2&quot;\""));
        assert!(
            svg.contains(&format!("<title>{long}</title>")),
            "the whole name in the tooltip"
        );
        assert!(svg.contains(&format!(">{}\u{2026}</text>", &long[..MAX_LABEL_CHARS - 1])));
        assert!(svg.contains("stroke=\"#b08800\""));
        assert!(svg.contains("stroke=\"#57606a\" marker-end=\"url(#net-arrow-unverified)\""));
    }

    #[test]
    fn wider_text_gets_a_wider_box() {
        assert!(box_width("WWWW") > box_width("iiii"));
        assert!(box_width("注文サービス") > box_width("orders"));
        assert_eq!(label("short"), "short");
        assert_eq!(label(&"x".repeat(100)).chars().count(), MAX_LABEL_CHARS);
    }

    #[test]
    fn the_focus_is_highlighted() {
        let mut g = graph(&["A", "B"], &[(0, 1, Verified)]);
        g.focus = Some(1);
        let svg = svg(&g);
        assert_eq!(svg.matches("fill=\"#ddf4ff\"").count(), 1);
    }

    #[test]
    fn an_empty_graph_is_a_small_empty_picture() {
        let svg = svg(&graph(&[], &[]));
        assert!(svg.contains("viewBox=\"0 0 32 32\""), "{svg}");
        assert!(svg.ends_with("</g></svg>"));
    }

    /// 200 pacticipants in tiers (front ends, services, back ends) with 400 integrations,
    /// a few against the grain so there are cycles, a few self-pacts, some long names.
    fn big_system(seed: u64) -> (Vec<String>, Vec<(usize, usize)>) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let names: Vec<String> = (0..200)
            .map(|i| match i % 17 {
                0 => format!("a-rather-long-service-name-number-{i}-of-the-company"),
                5 => format!("Ünïcödé-サービス-{i}"),
                _ => format!("service-{i}"),
            })
            .collect();
        let tier = |i: usize| i * 5 / 200;
        let mut edges = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while edges.len() < 400 {
            let c = rng.usize(0..200);
            let p = match rng.u8(0..20) {
                0 => rng.usize(0..200),
                1 => c,
                _ => {
                    let t = (tier(c) + 1 + rng.usize(0..2)).min(4);
                    rng.usize(t * 40..t * 40 + 40)
                }
            };
            if seen.insert((c, p)) {
                edges.push((c, p));
            }
        }
        (names, edges)
    }

    #[test]
    fn two_hundred_pacticipants_and_four_hundred_integrations_stay_readable() {
        for seed in [1, 2, 3] {
            let (names, edges) = big_system(seed);
            let widths: Vec<f64> = names.iter().map(|n| box_width(n)).collect();
            let l = layout(&widths, &edges);
            assert_readable(&widths, &edges, &l);
            assert!(
                l.width <= 12_000.0 && l.height <= 12_000.0,
                "{} x {}",
                l.width,
                l.height
            );
            assert!(
                l.width * l.height <= 40_000_000.0,
                "{} x {}",
                l.width,
                l.height
            );
            let g = Graph {
                title: "All".into(),
                nodes: names
                    .iter()
                    .map(|n| Node {
                        name: n.clone(),
                        href: format!("/pacticipants/{n}/network"),
                    })
                    .collect(),
                edges: edges
                    .iter()
                    .map(|&(c, p)| Edge {
                        consumer: c,
                        provider: p,
                        state: STATES[(c + p) % 5],
                        href: format!("/pacts/provider/{p}/consumer/{c}/latest"),
                    })
                    .collect(),
                focus: None,
            };
            let svg = svg(&g);
            assert!(svg.len() < 1_000_000, "{} bytes", svg.len());
            assert_eq!(svg.matches("class=\"edge ").count(), 400);
        }
    }

    #[test]
    fn crossings_are_counted() {
        // Layer 0: slots 0, 1; layer 1: slots 2, 3; edges 0→3 and 1→2 cross once.
        let rows = vec![vec![0, 1], vec![2, 3]];
        let down = vec![vec![3], vec![2], vec![], vec![]];
        let pos = [0.0, 1.0, 0.0, 1.0];
        assert_eq!(crossings(&rows, &down, &pos), 1);
        let down = vec![vec![2], vec![3], vec![], vec![]];
        assert_eq!(crossings(&rows, &down, &pos), 0);
    }

    #[test]
    fn placement_keeps_order_and_spacing_closest_to_what_is_wanted() {
        let sep = |_: usize, _: usize| 10.0;
        assert_eq!(
            fit_in_order(&[0, 1, 2], &[0.0, 50.0, 100.0], &sep),
            vec![0.0, 50.0, 100.0]
        );
        // All three want 30: they centre on it, 10 apart.
        assert_eq!(
            fit_in_order(&[0, 1, 2], &[30.0, 30.0, 30.0], &sep),
            vec![20.0, 30.0, 40.0]
        );
        // Wanted out of order: still in order.
        let y = fit_in_order(&[0, 1], &[40.0, 0.0], &sep);
        assert!(y[1] - y[0] >= 10.0, "{y:?}");
    }
}
