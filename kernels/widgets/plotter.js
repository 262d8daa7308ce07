// Curves of the numbers the program prints (the data comes from kernels/widgets/plot.py).
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

function drawPlot(canvas, data) {
  const ctx = canvas.getContext("2d");
  const width = canvas.width, height = canvas.height;
  const left = 48, right = 8, top = 8, bottom = 20;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  const xs = data.x || [];
  const series = data.series || [];
  let low = Infinity, high = -Infinity;
  for (const s of series) for (const v of s.values) if (v !== null) { low = Math.min(low, v); high = Math.max(high, v); }
  if (!xs.length || low === Infinity) return false;
  if (low === high) { low -= 1; high += 1; }
  const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
  const px = (x) => left + ((x - x0) / (x1 - x0)) * (width - left - right);
  const py = (v) => top + (1 - (v - low) / (high - low)) * (height - top - bottom);
  ctx.strokeStyle = "#ccc";
  ctx.fillStyle = "#555";
  ctx.font = "11px sans-serif";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const v = low + ((high - low) * i) / 4;
    const y = py(v);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(width - right, y); ctx.stroke();
    ctx.fillText(String(Math.round(v * 100) / 100).replace(".", ","), 2, y + 4);
  }
  ctx.fillText(String(x0), left, height - 4);
  ctx.fillText(String(xs[xs.length - 1]), width - right - 30, height - 4);
  series.forEach((s, k) => {
    ctx.strokeStyle = COLOURS[k % COLOURS.length];
    ctx.lineWidth = 2;
    ctx.beginPath();
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null) { drawing = false; return; }
      if (drawing) ctx.lineTo(px(xs[i]), py(v)); else ctx.moveTo(px(xs[i]), py(v));
      drawing = true;
    });
    ctx.stroke();
  });
  return true;
}

export default {
  render({ model, el }) {
    const texts = model.get("texts") || {};
    el.classList.add("tne-plotter");
    const title = document.createElement("div");
    title.className = "tne-title";
    title.textContent = texts.title;
    const canvas = document.createElement("canvas");
    canvas.width = 560;
    canvas.height = 240;
    canvas.style.border = "1px solid #ddd";
    const legend = document.createElement("div");
    legend.className = "tne-legend";
    const empty = document.createElement("div");
    empty.className = "tne-empty";
    empty.textContent = texts.empty;
    const pause = tneButton("", () => {
      model.set("paused", !model.get("paused"));
      model.save_changes();
    });
    pause.classList.add("tne-pause");
    const clear = tneButton(texts.clear, () => model.send({ action: "clear" }));
    const exportButton = tneButton(texts.export, () => model.send({ action: "export" }));
    exportButton.classList.add("tne-export");
    const status = document.createElement("div");
    status.className = "tne-status";
    const bar = document.createElement("div");
    bar.append(pause, clear, exportButton);
    el.append(title, canvas, legend, empty, bar, status);
    const update = () => {
      const paused = model.get("paused");
      pause.textContent = paused ? texts.resume : texts.pause;
      if (!paused) {
        const data = model.get("data") || {};
        const drawn = drawPlot(canvas, data);
        empty.style.display = drawn ? "none" : "block";
        legend.replaceChildren(...(data.series || []).map((s, k) => {
          const item = document.createElement("span");
          item.textContent = "\u25A0 " + s.name + "  ";
          item.style.color = COLOURS[k % COLOURS.length];
          return item;
        }));
      }
      status.textContent = model.get("status");
    };
    update();
    const names = ["change:data", "change:paused", "change:status"];
    names.forEach((name) => model.on(name, update));
    return () => names.forEach((name) => model.off(name, update));
  },
};
