// The workshop table: one row per board (state, LEDs, output pane) and the buttons.
export default {
  render({ model, el }) {
    const texts = model.get("texts") || {};
    el.classList.add("tne-workshop");
    const title = document.createElement("div");
    title.textContent = texts.title;
    Object.assign(title.style, { fontWeight: "bold", marginBottom: "6px" });
    const code = document.createElement("textarea");
    code.className = "tne-workshop-code";
    code.setAttribute("aria-label", texts.code);
    Object.assign(code.style, { width: "100%", minHeight: "6em", fontFamily: "monospace" });
    code.value = model.get("code");
    const buttons = document.createElement("div");
    Object.assign(buttons.style, { margin: "6px 0" });
    buttons.append(
      tneButton(texts.run, () => model.send({ action: "run", code: code.value })),
      tneButton(texts.stop, () => model.send({ action: "stop" })),
      tneButton(texts.reset, () => model.send({ action: "reset" })),
    );
    const note = document.createElement("div");
    note.className = "tne-note";
    const grid = document.createElement("div");
    Object.assign(grid.style, { display: "flex", flexWrap: "wrap", gap: "12px" });
    el.append(title, code, buttons, note, grid);
    const colours = { ready: "#2e9d3a", running: "#1565c0", error: "#c62828", stuck: "#c62828", lost: "#6d4c41" };
    const cards = [];
    const card = (index) => {
      const box = document.createElement("div");
      box.className = "tne-workshop-row";
      Object.assign(box.style, { border: "1px solid #bbb", borderRadius: "8px", padding: "8px", width: "20em" });
      const head = document.createElement("div");
      head.className = "tne-row-head";
      const state = document.createElement("div");
      state.className = "tne-row-state";
      const leds = document.createElement("div");
      const show = makeLeds(leds, texts.title);
      const pane = document.createElement("pre");
      pane.className = "tne-row-output";
      Object.assign(pane.style, { height: "8em", overflow: "auto", background: "#f5f5f5", margin: "6px 0", padding: "4px" });
      const simulate = tneButton(texts.simulate, () => model.send({ action: "simulate", row: index }));
      box.append(head, state, leds, pane, simulate);
      grid.appendChild(box);
      return { box, head, state, show, pane, simulate };
    };
    const update = () => {
      const rows = model.get("rows") || [];
      while (cards.length < rows.length) cards.push(card(cards.length));
      rows.forEach((row, index) => {
        const c = cards[index];
        c.box.dataset.name = row.name;
        c.box.dataset.state = row.state;
        c.head.textContent = `${row.name} · ${row.port} · ${row.firmware}${row.simulated ? ` (${texts.simulated})` : ""}`;
        c.state.textContent = row.message ? `${row.state_text} : ${row.message}` : row.state_text;
        c.state.style.color = colours[row.state] || "#b26a00";
        c.show(row.pixels || []);
        c.pane.textContent = (row.lines || []).join("\n");
        c.pane.scrollTop = c.pane.scrollHeight;
        c.simulate.style.display = row.simulated ? "none" : "";
      });
      note.textContent = model.get("note");
    };
    update();
    const names = ["change:rows", "change:note"];
    names.forEach((name) => model.on(name, update));
    return () => names.forEach((name) => model.off(name, update));
  },
};
