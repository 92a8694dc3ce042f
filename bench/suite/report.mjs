// The markdown table and the SVG chart of a suite result (no dependencies).

const int = (n) => (n === null || n === undefined ? "–" : Math.round(n).toLocaleString("en-US"));
const fixed = (n, d = 2) => (n === null || n === undefined ? "–" : n.toFixed(d));
const ratio = (n) => (n === null || n === undefined ? "–" : `${n.toFixed(2)}×`);

function label(target) {
  return target.note ? `${target.name} (${target.note})` : target.name;
}

/** The markdown table of result.targets (medians over valid runs, ratios to the first target). */
export function markdownTable(result) {
  const first = result.targets[0]?.name;
  const lines = [
    `| target | req/s | req/s vs ${first} | p50 ms | p99 ms | max ms | server CPU µs/req | CPU/req vs ${first} | peak RSS MB | valid runs |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const t of result.targets) {
    const m = t.median;
    const valid = `${t.runs.filter((r) => r.valid).length}/${t.runs.length}`;
    if (!m) {
      lines.push(`| ${label(t)} | invalid: ${t.invalidReason} | | | | | | | | ${valid} |`);
      continue;
    }
    lines.push(`| ${label(t)} | ${int(m.reqPerSec)} | ${ratio(t.ratios?.reqPerSec)} | ${fixed(m.latencyMs.p50)} | ${fixed(m.latencyMs.p99)} | ${fixed(m.latencyMs.max)} | ${fixed(m.cpuUsPerRequest)} | ${ratio(t.ratios?.cpuUsPerRequest)} | ${fixed(m.peakRssKb / 1024, 1)} | ${valid} |`);
  }
  const s = result.settings;
  lines.push("");
  lines.push(`\`GET ${s.path}\`, wrk -t${s.wrkThreads} -c${s.wrkConnections} -d${s.wrkDuration}s${s.pipeline > 1 ? `, ${s.pipeline}-deep pipelining` : ", keep-alive"}, ` +
    `median of ${s.repeat} (valid runs only), ${s.warmup}s warm-up; server CPUs ${s.pin.server ?? "any"}, wrk CPUs ${s.pin.client ?? "any"}; ` +
    `${result.machine.cpuModel}, ${result.machine.cpus} CPUs, ${result.versions.node ? `node ${result.versions.node}` : ""}${result.versions.bun ? `, bun ${result.versions.bun}` : ""}, ${result.startedAt.slice(0, 10)}.`);
  return lines.join("\n");
}

function escapeXml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A two-panel horizontal bar chart (req/s, server CPU µs per request) as SVG text. */
export function svgChart(result) {
  const targets = result.targets;
  const first = targets[0]?.name ?? "";
  const width = 960, labelWidth = 300, valueWidth = 170, barMax = width - labelWidth - valueWidth - 30;
  const barHeight = 22, gap = 8, panelGap = 40, titleHeight = 60, panelTitle = 28;
  const rowsHeight = targets.length * (barHeight + gap);
  const noteCount = targets.filter((t) => t.note).length;
  const height = titleHeight + 2 * (panelTitle + rowsHeight) + panelGap + 40 + 16 * noteCount;
  const s = result.settings;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="13">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="20" y="28" font-size="18" font-weight="600" fill="#111">Hotpath benchmark suite: GET ${escapeXml(s.path)}</text>`);
  out.push(`<text x="20" y="48" fill="#555">wrk -t${s.wrkThreads} -c${s.wrkConnections} -d${s.wrkDuration}s${s.pipeline > 1 ? `, pipeline ${s.pipeline}` : ""}, median of ${s.repeat}; ratios against ${escapeXml(first)}; ${escapeXml(result.machine.cpuModel)}, ${result.machine.cpus} CPUs, ${escapeXml(result.startedAt.slice(0, 10))}</text>`);
  const panels = [
    { title: "requests per second (higher is better)", key: "reqPerSec", format: (v) => int(v), color: "#2f6fb3" },
    { title: "server CPU µs per request, whole process tree (lower is better)", key: "cpuUsPerRequest", format: (v) => v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }), color: "#c8602a" },
  ];
  let y = titleHeight;
  for (const panel of panels) {
    out.push(`<text x="20" y="${y + 18}" font-size="15" font-weight="600" fill="#222">${escapeXml(panel.title)}</text>`);
    y += panelTitle;
    const values = targets.map((t) => t.median?.[panel.key] ?? null);
    // Noted targets (wrangler-dev) do not set the scale: a development
    // server 100x slower would flatten every other bar; theirs is cut off.
    const scaled = values.filter((v, i) => v !== null && !targets[i].note);
    const max = Math.max(...(scaled.length ? scaled : values.filter((v) => v !== null)), 1e-9);
    targets.forEach((t, i) => {
      const v = values[i];
      const top = y + i * (barHeight + gap);
      const mid = top + barHeight / 2 + 4.5;
      out.push(`<text x="${labelWidth - 10}" y="${mid}" text-anchor="end" fill="#222">${escapeXml(t.name)}${t.note ? "*" : ""}</text>`);
      if (v === null) {
        out.push(`<text x="${labelWidth}" y="${mid}" fill="#b00020">invalid: ${escapeXml(t.invalidReason ?? "no valid run")}</text>`);
        return;
      }
      const offScale = v > max * 1.0001;
      const w = Math.max(1, Math.min(v / max, 1) * barMax);
      const r = t.ratios?.[panel.key];
      out.push(`<rect x="${labelWidth}" y="${top}" width="${w.toFixed(1)}" height="${barHeight}" rx="2" fill="${panel.color}"${t.note ? ' fill-opacity="0.45"' : ""}/>`);
      if (offScale) out.push(`<path d="M ${labelWidth + w - 14} ${top - 2} l 6 ${barHeight / 2 + 2} l -6 ${barHeight / 2 + 2} M ${labelWidth + w - 7} ${top - 2} l 6 ${barHeight / 2 + 2} l -6 ${barHeight / 2 + 2}" stroke="#ffffff" stroke-width="3" fill="none"/>`);
      out.push(`<text x="${(labelWidth + w + 8).toFixed(1)}" y="${mid}" fill="#111">${escapeXml(panel.format(v))}${r !== null && r !== undefined ? `<tspan fill="#666" dx="6">(${r.toFixed(2)}×)</tspan>` : ""}${offScale ? '<tspan fill="#888" font-size="11" dx="6">off scale</tspan>' : ""}</text>`);
    });
    y += rowsHeight + panelGap;
  }
  const notes = targets.filter((t) => t.note).map((t) => `* ${t.name}: ${t.note} (lighter bars)`);
  notes.forEach((note, i) => {
    out.push(`<text x="20" y="${height - 14 - 16 * (notes.length - i)}" fill="#555" font-size="12">${escapeXml(note)}</text>`);
  });
  out.push(`<text x="20" y="${height - 14}" fill="#777" font-size="11">loopback figures from bench/run.mjs; server and wrk on the same machine${s.pin.server && s.pin.client ? `, server on CPUs ${escapeXml(s.pin.server)}, wrk on CPUs ${escapeXml(s.pin.client)}` : ", not pinned"}; not edge figures</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}
