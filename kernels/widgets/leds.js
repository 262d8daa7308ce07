export default {
  render({ model, el }) {
    const title = document.createElement("div");
    title.className = "tne-title";
    title.textContent = (model.get("texts") || {}).title || "";
    el.appendChild(title);
    const show = makeLeds(el, title.textContent);
    show(model.get("pixels"));
    const update = () => show(model.get("pixels"));
    model.on("change:pixels", update);
    return () => model.off("change:pixels", update);
  },
};
