//! The layout of a process diagram (the steps in the header of `diagram.rs`): layers, order,
//! positions, label places, loop channels and every path, in the same units as the SVG.

use super::{
    CHANNEL, CORRIDOR, DUMMY_W, EdgeRoute, LABEL_GAP, LANE, Layout, MARGIN, NAME_LINE, NODE_GAP, NODE_PAD, NODE_W,
    NodeBox, PAD, PASS_W, ROLE_LINE, Rect, START_BAND, Segment, THIN_GAP, TIP, label_lines, label_size, name_chars,
    role_lines, wrap,
};
use crate::lang::Lang;
use crate::process::definition::{Definition, StepKind};
use std::collections::BTreeMap;

/// An outcome between two known steps.
struct Edge {
    from: usize,
    outcome: usize,
    to: usize,
    back: bool,
}

/// A box or a placeholder of a long edge, in a layer.
struct Item {
    node: Option<usize>,
    layer: usize,
    w: f64,
    /// Room kept free right of it (the corridor of loops arriving at it).
    right: f64,
    x: f64,
}

/// Solves "positions as close as possible to `want`, in this order, each pair at least `sep`
/// apart" exactly: pool-adjacent-violators on the targets less the cumulated separations.
pub(super) fn spread(want: &[f64], sep: &[f64]) -> Vec<f64> {
    spread_weighted(want, &vec![1.0; want.len()], sep)
}

/// [`spread`] where an item of greater weight moves less (a step of the main line stays under
/// its predecessor and a side end step yields).
fn spread_weighted(want: &[f64], weight: &[f64], sep: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(want.len());
    let mut acc = 0.0;
    for i in 0..want.len() {
        if i > 0 {
            acc += sep[i - 1];
        }
        offset.push(acc);
    }
    // Blocks of (sum, count, len).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for ((w, o), k) in want.iter().zip(&offset).zip(weight) {
        blocks.push((k * (w - o), *k, 1));
        while blocks.len() > 1 {
            let (s2, c2, l2) = blocks[blocks.len() - 1];
            let (s1, c1, l1) = blocks[blocks.len() - 2];
            if s1 / c1 > s2 / c2 {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (s1 + s2, c1 + c2, l1 + l2);
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(want.len());
    for (s, c, l) in blocks {
        for _ in 0..l {
            out.push(s / c + offset[out.len()]);
        }
    }
    out
}

fn crossings(layers: &[Vec<usize>], pos: &[usize], down: &[Vec<usize>]) -> usize {
    let mut total = 0;
    for layer in layers {
        let pairs: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|&a| down[a].iter().map(move |&b| (pos[a], pos[b])))
            .collect();
        for (i, p) in pairs.iter().enumerate() {
            for q in &pairs[i + 1..] {
                if (p.0 < q.0 && p.1 > q.1) || (p.0 > q.0 && p.1 < q.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

fn sweep(layers: &mut [Vec<usize>], pos: &mut [usize], nbrs: &[Vec<usize>], order: impl Iterator<Item = usize>) {
    for l in order {
        let mut keyed: Vec<(f64, usize, usize)> = layers[l]
            .iter()
            .map(|&it| {
                let key = if nbrs[it].is_empty() {
                    pos[it] as f64
                } else {
                    nbrs[it].iter().map(|&n| pos[n] as f64).sum::<f64>() / nbrs[it].len() as f64
                };
                (key, pos[it], it)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        layers[l] = keyed.into_iter().map(|k| k.2).collect();
        for (i, &it) in layers[l].iter().enumerate() {
            pos[it] = i;
        }
    }
}

/// The layout of a definition (the same in both languages).
pub fn layout(def: &Definition) -> Layout {
    let n = def.steps.len();
    let index: BTreeMap<&str, usize> = def.steps.iter().enumerate().map(|(i, s)| (s.key.as_str(), i)).collect();
    let mut edges: Vec<Edge> = Vec::new();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, s) in def.steps.iter().enumerate() {
        for (j, o) in s.outcomes.iter().enumerate() {
            if let Some(&t) = index.get(o.to.as_str()) {
                out[i].push(edges.len());
                edges.push(Edge {
                    from: i,
                    outcome: j,
                    to: t,
                    back: false,
                });
            }
        }
    }

    // 1. Depth-first walk: back edges, discovery order and a topological order.
    let mut state = vec![0u8; n];
    let mut pre = vec![0usize; n];
    let mut post: Vec<usize> = Vec::with_capacity(n);
    let mut seen = 0;
    let roots = index.get(def.start.as_str()).copied().into_iter().chain(0..n);
    for r in roots {
        if state[r] != 0 {
            continue;
        }
        state[r] = 1;
        pre[r] = seen;
        seen += 1;
        let mut stack = vec![(r, 0usize)];
        while let Some(top) = stack.last_mut() {
            let (v, k) = *top;
            if k < out[v].len() {
                top.1 += 1;
                let e = out[v][k];
                let t = edges[e].to;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        pre[t] = seen;
                        seen += 1;
                        stack.push((t, 0));
                    }
                    1 => edges[e].back = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                post.push(v);
                stack.pop();
            }
        }
    }

    // 2. Layers by longest path.
    let mut layer = vec![0usize; n];
    for &v in post.iter().rev() {
        for &e in &out[v] {
            if !edges[e].back {
                layer[edges[e].to] = layer[edges[e].to].max(layer[v] + 1);
            }
        }
    }
    let nlayers = layer.iter().max().map_or(0, |m| m + 1);

    // Sizes, for the longer of the two languages.
    let mut size: Vec<(f64, f64)> = Vec::with_capacity(n);
    for s in &def.steps {
        let lines = Lang::ALL
            .iter()
            .map(|&l| wrap(s.name.pick(l), name_chars(s.kind)).len())
            .max()
            .unwrap_or(1);
        let role = s.performer.as_ref().map_or(0, |p| {
            Lang::ALL
                .iter()
                .map(|&l| role_lines(def, p.as_str(), l).len())
                .max()
                .unwrap_or(0)
        });
        let role = role as f64 * ROLE_LINE;
        let h = (2.0 * NODE_PAD + lines.max(1) as f64 * NAME_LINE + role).max(40.0);
        size.push((NODE_W, h));
    }
    let label_dims: Vec<(f64, f64)> = edges
        .iter()
        .map(|e| {
            Lang::ALL
                .iter()
                .map(|&l| label_size(&label_lines(def, e.from, e.outcome, l)))
                .fold((0.0, 0.0), |a, b| (f64::max(a.0, b.0), f64::max(a.1, b.1)))
        })
        .collect();
    let mut entries_into = vec![0usize; n];
    for e in edges.iter().filter(|e| e.back) {
        entries_into[e.to] += 1;
    }

    // Items: the boxes, then a placeholder per layer crossed by a long edge.
    let mut items: Vec<Item> = (0..n)
        .map(|i| Item {
            node: Some(i),
            layer: layer[i],
            w: size[i].0,
            right: if entries_into[i] > 0 {
                6.0 + entries_into[i] as f64 * CORRIDOR
            } else {
                0.0
            },
            x: 0.0,
        })
        .collect();
    let mut rank: Vec<(usize, usize)> = (0..n).map(|i| (2 * pre[i], 0)).collect();
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
    for (ei, e) in edges.iter().enumerate() {
        if e.back {
            continue;
        }
        let mut chain = vec![e.from];
        for l in layer[e.from] + 1..layer[e.to] {
            chain.push(items.len());
            rank.push((2 * pre[e.from] + 1, ei));
            items.push(Item {
                node: None,
                layer: l,
                w: DUMMY_W,
                right: 0.0,
                x: 0.0,
            });
        }
        chain.push(e.to);
        chains[ei] = chain;
    }
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for chain in &chains {
        for w in chain.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }

    // 3. Order within layers.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); nlayers];
    let mut by_rank: Vec<usize> = (0..items.len()).collect();
    by_rank.sort_by_key(|&i| (rank[i], i));
    for i in by_rank {
        layers[items[i].layer].push(i);
    }
    let mut pos = vec![0usize; items.len()];
    for l in &layers {
        for (p, &it) in l.iter().enumerate() {
            pos[it] = p;
        }
    }
    let mut best = (crossings(&layers, &pos, &down), layers.clone());
    for round in 0..4 {
        if round % 2 == 0 {
            sweep(&mut layers, &mut pos, &up, 1..nlayers);
        } else {
            sweep(&mut layers, &mut pos, &down, (0..nlayers.saturating_sub(1)).rev());
        }
        let c = crossings(&layers, &pos, &down);
        if c < best.0 {
            best = (c, layers.clone());
        }
    }
    let layers = best.1;

    // 4. Horizontal positions.
    let seps = |l: &[usize], items: &[Item]| -> Vec<f64> {
        l.windows(2)
            .map(|w| {
                let (a, b) = (&items[w[0]], &items[w[1]]);
                let gap = if a.node.is_some() && b.node.is_some() {
                    NODE_GAP
                } else {
                    THIN_GAP
                };
                a.w / 2.0 + a.right + gap + b.w / 2.0
            })
            .collect()
    };
    for l in &layers {
        let want = vec![0.0; l.len()];
        let xs = spread(&want, &seps(l, &items));
        let mid = (xs.first().copied().unwrap_or(0.0) + xs.last().copied().unwrap_or(0.0)) / 2.0;
        for (&it, x) in l.iter().zip(xs) {
            items[it].x = x - mid;
        }
    }
    // Placeholders and end steps give way to the steps of the main line.
    let heft = |it: &Item| match it.node {
        None => 1.0,
        Some(i) if out[i].is_empty() => 0.2,
        Some(_) => 1.0,
    };
    // The mean of the neighbours, by their weight: a step sits over its main-line successor
    // rather than between it and a side end step.
    let mean = |nb: &[usize], items: &[Item], own: f64| -> f64 {
        let total: f64 = nb.iter().map(|&i| heft(&items[i])).sum();
        if nb.is_empty() || total <= 0.0 {
            own
        } else {
            nb.iter().map(|&i| heft(&items[i]) * items[i].x).sum::<f64>() / total
        }
    };
    for round in 0..8 {
        let (order, nb): (Vec<usize>, &Vec<Vec<usize>>) = if round % 2 == 0 {
            ((1..nlayers).collect(), &up)
        } else {
            ((0..nlayers).rev().collect(), &down)
        };
        for l in order {
            let want: Vec<f64> = layers[l].iter().map(|&it| mean(&nb[it], &items, items[it].x)).collect();
            let weight: Vec<f64> = layers[l].iter().map(|&it| heft(&items[it])).collect();
            let xs = spread_weighted(&want, &weight, &seps(&layers[l], &items));
            for (&it, x) in layers[l].iter().zip(xs) {
                items[it].x = x;
            }
        }
    }

    // Vertical sizes: layers, then gaps (gap g is above layer g; gap `nlayers` below the last).
    let layer_h: Vec<f64> = layers
        .iter()
        .map(|l| {
            l.iter()
                .filter_map(|&it| items[it].node)
                .map(|i| size[i].1)
                .fold(30.0, f64::max)
        })
        .collect();
    let mut band_h = vec![0.0f64; nlayers + 1];
    let mut exits = vec![0usize; nlayers + 1];
    let mut entries = vec![0usize; nlayers + 1];
    for (ei, e) in edges.iter().enumerate() {
        let g = layer[e.from] + 1;
        band_h[g] = band_h[g].max(label_dims[ei].1);
        if e.back {
            exits[g] += 1;
            entries[layer[e.to]] += 1;
        }
    }
    let mut layer_y = vec![0.0; nlayers];
    let mut band_y = vec![0.0; nlayers + 1];
    let mut exit_y = vec![0.0; nlayers + 1];
    let mut entry_y = vec![0.0; nlayers + 1];
    let mut y = 0.0;
    for g in 0..=nlayers {
        if g == 0 {
            y += START_BAND;
        } else {
            y += PAD;
            band_y[g] = y + band_h[g] / 2.0;
            y += band_h[g] + PAD;
        }
        exit_y[g] = y;
        y += exits[g] as f64 * LANE;
        entry_y[g] = y;
        y += entries[g] as f64 * LANE;
        if g > 0 && exits[g] + entries[g] > 0 {
            y += PAD / 2.0;
        }
        if g < nlayers {
            layer_y[g] = y;
            y += layer_h[g];
        }
    }
    let height = y;

    let mut nodes: Vec<NodeBox> = (0..n)
        .map(|i| {
            let (w, h) = size[i];
            let l = layer[i];
            let rect = Rect {
                x: items[i].x - w / 2.0,
                y: layer_y[l] + (layer_h[l] - h) / 2.0,
                w,
                h,
            };
            NodeBox {
                step: i,
                layer: l,
                rect,
            }
        })
        .collect();

    // Ports: outgoing along the bottom, ordered by where they go (loops rightmost); incoming
    // along the top, ordered by where they come from.
    let flat = |i: usize| -> (f64, f64) {
        let r = nodes[i].rect;
        let inset = if def.steps[i].kind == StepKind::Task {
            14.0
        } else {
            TIP + 10.0
        };
        (r.x + inset, r.x + r.w - inset)
    };
    let spread_ports =
        |range: (f64, f64), k: usize, n: usize| range.0 + (range.1 - range.0) * (k + 1) as f64 / (n + 1) as f64;
    let mut out_port = vec![0.0; edges.len()];
    let mut in_port = vec![0.0; edges.len()];
    for (v, outgoing) in out.iter().enumerate() {
        let mut outs: Vec<(f64, usize)> = outgoing
            .iter()
            .map(|&e| (if edges[e].back { f64::MAX } else { items[chains[e][1]].x }, e))
            .collect();
        outs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (k, &(_, e)) in outs.iter().enumerate() {
            out_port[e] = spread_ports(flat(v), k, outs.len());
        }
        let mut ins: Vec<(f64, usize)> = (0..edges.len())
            .filter(|&e| !edges[e].back && edges[e].to == v)
            .map(|e| (items[chains[e][chains[e].len() - 2]].x, e))
            .collect();
        ins.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (k, &(_, e)) in ins.iter().enumerate() {
            in_port[e] = spread_ports(flat(v), k, ins.len());
        }
    }

    // 5. The places in each gap's band: (edge, hop, want, width).
    let mut places: Vec<Vec<(usize, usize, f64, f64)>> = vec![Vec::new(); nlayers + 1];
    for (ei, e) in edges.iter().enumerate() {
        if e.back {
            let g = layer[e.from] + 1;
            places[g].push((ei, 0, out_port[ei], label_dims[ei].0));
            continue;
        }
        let chain = &chains[ei];
        for (hop, w) in chain.windows(2).enumerate() {
            let g = items[w[1]].layer;
            let x0 = if hop == 0 { out_port[ei] } else { items[w[0]].x };
            let x1 = if hop == chain.len() - 2 {
                in_port[ei]
            } else {
                items[w[1]].x
            };
            let width = if hop == 0 { label_dims[ei].0 } else { PASS_W };
            places[g].push((ei, hop, (x0 + x1) / 2.0, width));
        }
    }
    let mut place_x: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for band in &mut places {
        band.sort_by(|a, b| a.2.total_cmp(&b.2).then((a.0, a.1).cmp(&(b.0, b.1))));
        let want: Vec<f64> = band.iter().map(|p| p.2).collect();
        let sep: Vec<f64> = band
            .windows(2)
            .map(|w| w[0].3 / 2.0 + LABEL_GAP + w[1].3 / 2.0)
            .collect();
        for (p, x) in band.iter().zip(spread(&want, &sep)) {
            place_x.insert((p.0, p.1), x);
        }
    }

    // 6. Channels for the loops: the first free one whose span of gaps does not overlap.
    let mut right = 0.0f64;
    for it in &items {
        right = right.max(it.x + it.w / 2.0 + it.right);
    }
    for p in places.iter().flatten() {
        let x = place_x.get(&(p.0, p.1)).copied().unwrap_or(0.0);
        right = right.max(x + p.3 / 2.0);
    }
    let channel_x0 = right + 20.0;
    let mut loops: Vec<usize> = (0..edges.len()).filter(|&e| edges[e].back).collect();
    loops.sort_by_key(|&e| (layer[edges[e].from] + 1 - layer[edges[e].to], e));
    let mut channel = vec![0usize; edges.len()];
    let mut used: Vec<Vec<(usize, usize)>> = Vec::new();
    for &e in &loops {
        let span = (layer[edges[e].to], layer[edges[e].from] + 1);
        let free = used
            .iter()
            .position(|spans| spans.iter().all(|s| s.1 < span.0 || span.1 < s.0));
        let c = match free {
            Some(c) => c,
            None => {
                used.push(Vec::new());
                used.len() - 1
            }
        };
        used[c].push(span);
        channel[e] = c;
    }
    // Lanes: exits in a gap, rightmost label highest; entries in a gap, by target from the
    // left, outer channels first; in a target's corridor, outer channels leftmost and highest.
    let mut exit_lane = vec![0usize; edges.len()];
    let mut entry_lane = vec![0usize; edges.len()];
    let mut slot = vec![(0usize, 1usize); edges.len()];
    for g in 0..=nlayers {
        let mut ex: Vec<usize> = loops
            .iter()
            .copied()
            .filter(|&e| layer[edges[e].from] + 1 == g)
            .collect();
        ex.sort_by(|&a, &b| place_x[&(b, 0)].total_cmp(&place_x[&(a, 0)]).then(a.cmp(&b)));
        for (k, &e) in ex.iter().enumerate() {
            exit_lane[e] = k;
        }
        let mut en: Vec<usize> = loops.iter().copied().filter(|&e| layer[edges[e].to] == g).collect();
        en.sort_by(|&a, &b| {
            items[edges[a].to]
                .x
                .total_cmp(&items[edges[b].to].x)
                .then(channel[b].cmp(&channel[a]))
                .then(a.cmp(&b))
        });
        for (k, &e) in en.iter().enumerate() {
            entry_lane[e] = k;
            let v = edges[e].to;
            let same: Vec<usize> = en.iter().copied().filter(|&o| edges[o].to == v).collect();
            slot[e] = (same.iter().position(|&o| o == e).unwrap_or(0), same.len());
        }
    }

    // Routes.
    let mut routes: Vec<EdgeRoute> = Vec::with_capacity(edges.len());
    for (ei, e) in edges.iter().enumerate() {
        let src = nodes[e.from].rect;
        let mut path = Vec::new();
        let mut at = (out_port[ei], src.y + src.h);
        let g0 = layer[e.from] + 1;
        let lx = place_x.get(&(ei, 0)).copied().unwrap_or(at.0);
        let (lw, lh) = label_dims[ei];
        let label = Rect {
            x: lx - lw / 2.0,
            y: band_y[g0] - lh / 2.0,
            w: lw,
            h: lh,
        };
        let mut go = |path: &mut Vec<Segment>, to: (f64, f64), curved: bool| {
            path.push(Segment { from: at, to, curved });
            at = to;
        };
        // Straight down out of the layer's band first: a box shorter than its layer's tallest
        // must not swing sideways through a neighbour.
        let band_bottom = layer_y[layer[e.from]] + layer_h[layer[e.from]];
        go(&mut path, (out_port[ei], band_bottom), false);
        // Inside a gap's band every line runs straight down through its own place, so none
        // crosses another outcome's label.
        let band_top = |g: usize| band_y[g] - band_h[g] / 2.0;
        let band_end = |g: usize| band_y[g] + band_h[g] / 2.0;
        go(&mut path, (lx, band_top(g0)), true);
        go(&mut path, (lx, band_end(g0)), false);
        if e.back {
            let ch = channel_x0 + channel[ei] as f64 * CHANNEL;
            let ey = exit_y[g0] + (exit_lane[ei] as f64 + 0.5) * LANE;
            let gt = layer[e.to];
            let ny = entry_y[gt] + (entry_lane[ei] as f64 + 0.5) * LANE;
            let dst = nodes[e.to].rect;
            let (k, m) = slot[ei];
            let cx = dst.x + dst.w + 6.0 + (k as f64 + 0.5) * CORRIDOR;
            let ay = dst.cy() + (k as f64 - (m as f64 - 1.0) / 2.0) * 9.0;
            let dy = (ay - dst.cy()).abs();
            let inset = match def.steps[e.to].kind {
                StepKind::Task => 0.0,
                StepKind::Decision => TIP * dy / (dst.h / 2.0),
                StepKind::End => {
                    let r = dst.h / 2.0;
                    r - (r * r - dy * dy).max(0.0).sqrt()
                }
            };
            go(&mut path, (lx, ey), false);
            go(&mut path, (ch, ey), false);
            go(&mut path, (ch, ny), false);
            go(&mut path, (cx, ny), false);
            go(&mut path, (cx, ay), false);
            go(&mut path, (dst.x + dst.w - inset, ay), false);
        } else {
            let chain = &chains[ei];
            for hop in 1..chain.len() {
                let it = chain[hop];
                if hop == chain.len() - 1 {
                    let dst = nodes[e.to].rect;
                    go(&mut path, (in_port[ei], layer_y[layer[e.to]]), true);
                    go(&mut path, (in_port[ei], dst.y), false);
                } else {
                    let l = items[it].layer;
                    go(&mut path, (items[it].x, layer_y[l]), true);
                    go(&mut path, (items[it].x, layer_y[l] + layer_h[l]), false);
                    let g = l + 1;
                    let px = place_x.get(&(ei, hop)).copied().unwrap_or(items[it].x);
                    go(&mut path, (px, band_top(g)), true);
                    go(&mut path, (px, band_end(g)), false);
                }
            }
        }
        routes.push(EdgeRoute {
            from: e.from,
            outcome: e.outcome,
            to: e.to,
            back: e.back,
            path,
            label,
        });
    }

    // Shift everything to start at the margin.
    let start = index
        .get(def.start.as_str())
        .map(|&s| (nodes[s].rect.cx(), START_BAND / 2.0 - 4.0));
    let mut min_x = start.map_or(f64::MAX, |s| s.0 - 8.0);
    let mut max_x = f64::MIN;
    for nb in &nodes {
        min_x = min_x.min(nb.rect.x);
        max_x = max_x.max(nb.rect.x + nb.rect.w);
    }
    for r in &routes {
        min_x = min_x.min(r.label.x);
        max_x = max_x.max(r.label.x + r.label.w);
        for s in &r.path {
            min_x = min_x.min(s.to.0);
            max_x = max_x.max(s.to.0);
        }
    }
    if nodes.is_empty() {
        min_x = 0.0;
        max_x = 0.0;
    }
    let (dx, dy) = (MARGIN - min_x, MARGIN);
    for nb in &mut nodes {
        nb.rect.shift(dx, dy);
    }
    for r in &mut routes {
        r.label.shift(dx, dy);
        for s in &mut r.path {
            s.from = (s.from.0 + dx, s.from.1 + dy);
            s.to = (s.to.0 + dx, s.to.1 + dy);
        }
    }
    Layout {
        width: max_x - min_x + 2.0 * MARGIN,
        height: height + 2.0 * MARGIN,
        nodes,
        edges: routes,
        start: start.map(|(x, y)| (x + dx, y + dy)),
    }
}
