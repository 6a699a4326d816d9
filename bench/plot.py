#!/usr/bin/env python3
"""Renders the plots of docs/benchmarks.md as SVG from the harness's own results.json.

    python3 bench/plot.py bench/out/results.json docs/img

Standard library only (the gateway machine has no matplotlib): each plot is a small hand-built
SVG: grouped bars for the throughput comparison, lines for scaling with assets and hop.
"""
import json
import math
import sys
from pathlib import Path

W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 340, 70, 20, 40, 60
COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52"]


def svg(title, body, y_label):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'font-family="sans-serif" font-size="12">\n'
        f'<rect width="{W}" height="{H}" fill="white"/>\n'
        f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>\n'
        f'<text x="14" y="{H / 2}" transform="rotate(-90 14 {H / 2})" text-anchor="middle">{y_label}</text>\n'
        + body
        + "</svg>\n"
    )


def y_axis(top_value, ticks=5):
    plot_h = H - TOP - BOTTOM
    out = []
    for i in range(ticks + 1):
        v = top_value * i / ticks
        y = H - BOTTOM - plot_h * i / ticks
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end">{v:,.0f}</text>')
    return "\n".join(out) + "\n"


def nice(v):
    if v <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def bars(title, groups, series, values, y_label):
    """values[g][s]: one bar per series in each group."""
    top = nice(max(v for row in values for v in row if v is not None) * 1.1)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    gw = plot_w / len(groups)
    bw = gw * 0.8 / len(series)
    body = y_axis(top)
    for g, group in enumerate(groups):
        for s, _ in enumerate(series):
            v = values[g][s]
            if v is None:
                continue
            h = plot_h * v / top
            x = LEFT + g * gw + gw * 0.1 + s * bw
            body += f'<rect x="{x:.1f}" y="{H - BOTTOM - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" fill="{COLORS[s]}"/>\n'
            body += f'<text x="{x + bw / 2:.1f}" y="{H - BOTTOM - h - 4:.1f}" text-anchor="middle" font-size="10">{v:,.0f}</text>\n'
        body += f'<text x="{LEFT + g * gw + gw / 2:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{group}</text>\n'
    for s, name in enumerate(series):
        x = LEFT + 10 + s * 150
        body += f'<rect x="{x}" y="{H - 24}" width="12" height="12" fill="{COLORS[s]}"/><text x="{x + 16}" y="{H - 14}">{name}</text>\n'
    return svg(title, body, y_label)


def lines(title, xs, x_labels, series, y_label, log_x=False):
    """series: [(name, [y per x])]."""
    top = nice(max(v for _, ys in series for v in ys) * 1.1)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    pos = [math.log10(x) for x in xs] if log_x else list(xs)
    lo, hi = min(pos), max(pos)
    span = hi - lo or 1
    px = [LEFT + 20 + (p - lo) / span * (plot_w - 40) for p in pos]
    body = y_axis(top)
    for x, label in zip(px, x_labels):
        body += f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{label}</text>\n'
    for s, (name, ys) in enumerate(series):
        pts = " ".join(f"{x:.1f},{H - BOTTOM - plot_h * y / top:.1f}" for x, y in zip(px, ys))
        body += f'<polyline points="{pts}" fill="none" stroke="{COLORS[s]}" stroke-width="2"/>\n'
        for x, y in zip(px, ys):
            cy = H - BOTTOM - plot_h * y / top
            body += f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="3" fill="{COLORS[s]}"/>'
            body += f'<text x="{x:.1f}" y="{cy - 6:.1f}" text-anchor="middle" font-size="10">{y:,.0f}</text>\n'
        lx = LEFT + 10 + s * 200
        body += f'<rect x="{lx}" y="{H - 24}" width="12" height="12" fill="{COLORS[s]}"/><text x="{lx + 16}" y="{H - 14}">{name}</text>\n'
    return svg(title, body, y_label)


def main(results_file, out_dir):
    results = json.loads(Path(results_file).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []

    runs = results.get("throughput_runs", [])
    if runs:
        groups = ["QoS 0", "QoS 1", "QoS 1, 10 per message"]
        systems = ["bare subscriber", "buffered subscriber", "relay", "vigil"]
        labels = ["bare Paho subscriber", "buffered subscriber", "bare Paho relay", "Vigil"]
        if not any(r["system"] == "buffered subscriber" for r in runs):  # --quick runs none
            systems, labels = systems[:1] + systems[2:], labels[:1] + labels[2:]

        def rate(system, qos, per):
            """The median over the rounds, as the harness reports it."""
            rates = sorted(r["readings"] / r["seconds"] for r in runs
                           if r["system"] == system and r["qos"] == qos and r["perMessage"] == per)
            if not rates:
                return None
            m = len(rates) // 2
            return rates[m] if len(rates) % 2 else (rates[m - 1] + rates[m]) / 2

        values = [[rate(s, q, p) for s in systems] for q, p in ((0, 1), (1, 1), (1, 10))]
        (out / "throughput.svg").write_text(
            bars("End to end: readings/s, same broker, publisher and machine",
                 groups, labels, values, "readings/s"))
        written.append("throughput.svg")

    points = results.get("scaling_runs", [])
    by_assets = sorted((p for p in points if p["hop"] == "1s"), key=lambda p: p["assets"])
    if len(by_assets) > 1:
        xs = [p["assets"] for p in by_assets]
        (out / "scaling-assets.svg").write_text(
            lines("Scaling with assets (hop 1 s): readings/s and state per asset",
                  xs, [f"{x:,}" for x in xs],
                  [("readings/s", [p["readingsPerSecond"] for p in by_assets])],
                  "readings/s", log_x=True))
        (out / "state-per-asset.svg").write_text(
            lines("Heap held by the running job after a full GC, by assets",
                  xs, [f"{x:,}" for x in xs],
                  [("MB", [max(0.0, p["stateMb"]) for p in by_assets])],
                  "MB", log_x=True))
        written += ["scaling-assets.svg", "state-per-asset.svg"]
    by_hop = [p for p in points if p["assets"] == 100]
    if len(by_hop) > 1:
        def millis(h):
            return float(h[:-2]) if h.endswith("ms") else float(h[:-1]) * 1000
        by_hop.sort(key=lambda p: millis(p["hop"]))
        xs = [millis(p["hop"]) for p in by_hop]
        (out / "scaling-hop.svg").write_text(
            lines("Window hop (100 pumps): readings/s and windows scored/s",
                  xs, [p["hop"] for p in by_hop],
                  [("readings/s", [p["readingsPerSecond"] for p in by_hop]),
                   ("windows/s", [p["windowsPerSecond"] for p in by_hop])],
                  "per second", log_x=True))
        written.append("scaling-hop.svg")
    print("plots:", ", ".join(str(out / w) for w in written) or "none")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
