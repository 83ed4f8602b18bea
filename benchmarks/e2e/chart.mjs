// A small hand-written SVG: one panel per transport x connection count, a group of bars per payload,
// one bar per server (median round trips/s). No library: the chart is a few rectangles and labels.
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function renderChart(cells, { servers, payloads, panels }) {
  const W = 520;
  const H = 260;
  const pad = { left: 60, right: 10, top: 30, bottom: 40 };
  const cols = 2;
  const rows = Math.ceil(panels.length / cols);
  const legendH = 30;
  const width = cols * W;
  const height = rows * H + legendH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  servers.forEach((s, i) => {
    out.push(
      `<rect x="${10 + i * 120}" y="8" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${26 + i * 120}" y="18">${esc(s)}</text>`,
    );
  });
  panels.forEach((panel, p) => {
    const x0 = (p % cols) * W;
    const y0 = legendH + Math.floor(p / cols) * H;
    const mine = cells.filter(
      (c) => c.transport === panel.transport && c.connections === panel.connections,
    );
    const max = Math.max(1, ...mine.map((c) => c.rps ?? 0));
    const plotW = W - pad.left - pad.right;
    const plotH = H - pad.top - pad.bottom;
    out.push(
      `<text x="${x0 + W / 2}" y="${y0 + 18}" text-anchor="middle" font-weight="bold">${esc(panel.transport)}, ${panel.connections} connections: round trips/s</text>`,
      `<line x1="${x0 + pad.left}" y1="${y0 + pad.top + plotH}" x2="${x0 + W - pad.right}" y2="${y0 + pad.top + plotH}" stroke="#333"/>`,
    );
    for (let t = 0; t <= 4; t++) {
      const v = (max * t) / 4;
      const y = y0 + pad.top + plotH - (plotH * t) / 4;
      out.push(
        `<line x1="${x0 + pad.left}" y1="${y}" x2="${x0 + W - pad.right}" y2="${y}" stroke="#eee"/>`,
        `<text x="${x0 + pad.left - 4}" y="${y + 4}" text-anchor="end">${Math.round(v / 1000)}k</text>`,
      );
    }
    const groupW = plotW / payloads.length;
    const barW = (groupW * 0.8) / servers.length;
    payloads.forEach((payload, g) => {
      const gx = x0 + pad.left + g * groupW + groupW * 0.1;
      out.push(
        `<text x="${gx + groupW * 0.4}" y="${y0 + pad.top + plotH + 16}" text-anchor="middle">${payload >= 1024 ? `${payload / 1024} KiB` : `${payload} B`}</text>`,
      );
      servers.forEach((server, s) => {
        const cell = mine.find((c) => c.payload === payload && c.server === server);
        if (!cell?.rps) return;
        const h = (plotH * cell.rps) / max;
        out.push(
          `<rect x="${gx + s * barW}" y="${y0 + pad.top + plotH - h}" width="${Math.max(1, barW - 1)}" height="${h}" fill="${COLORS[s % COLORS.length]}"><title>${esc(server)} ${payload} B: ${Math.round(cell.rps)} rt/s</title></rect>`,
        );
      });
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
