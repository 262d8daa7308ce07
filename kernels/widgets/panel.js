export default {
  render({ model, el }) {
    const texts = model.get("texts") || {};
    el.classList.add("tne-panel");
    Object.assign(el.style, { marginRight: "24px", minWidth: "18em" });
    const line = document.createElement("div");
    const dot = document.createElement("span");
    Object.assign(dot.style, { display: "inline-block", width: "10px", height: "10px", borderRadius: "5px", marginRight: "6px" });
    const text = document.createElement("span");
    text.className = "tne-device";
    line.append(dot, text);
    const note = document.createElement("div");
    note.className = "tne-note";
    Object.assign(note.style, { fontSize: "90%", margin: "4px 0", maxWidth: "28em" });
    const reconnect = tneButton(texts.reconnect, () => model.send({ action: "reconnect" }));
    el.append(line, note, reconnect);
    const update = () => {
      const connected = model.get("connected");
      const label = model.get("label") || texts.none;
      dot.style.background = connected ? "#2e9d3a" : "#c62828";
      text.textContent = `${texts.title} : ${label} (${connected ? texts.connected : texts.disconnected})`;
      note.textContent = model.get("note");
      el.dataset.connected = String(connected);
    };
    update();
    const names = ["change:connected", "change:label", "change:note"];
    names.forEach((name) => model.on(name, update));
    return () => names.forEach((name) => model.off(name, update));
  },
};
