// The simulated micro:bit: its LEDs between buttons A and B, play/pause, speed, tilt sliders,
// and the world's picture when the simulator draws one (inputs go back as custom messages).
const SPEEDS = [0.25, 0.5, 1, 2, 4, 0];

function physicalButton(name, model) {
  const button = document.createElement("button");
  button.className = `tne-sim-button tne-sim-button-${name}`;
  button.textContent = name.toUpperCase();
  Object.assign(button.style, {
    width: "44px", height: "44px", borderRadius: "22px", border: "3px solid #444",
    background: "#222", color: "#eee", fontWeight: "bold", margin: "0 10px", cursor: "pointer",
  });
  let down = false;
  const press = (pressed) => {
    if (pressed === down) return;
    down = pressed;
    button.style.background = pressed ? "#555" : "#222";
    model.send({ action: "button", name, pressed });
  };
  button.addEventListener("pointerdown", () => press(true));
  button.addEventListener("pointerup", () => press(false));
  button.addEventListener("pointerleave", () => press(false));
  button.addEventListener("keydown", (event) => { if (event.key === " " || event.key === "Enter") press(true); });
  button.addEventListener("keyup", () => press(false));
  return button;
}

function slider(label, name, model) {
  const row = document.createElement("label");
  row.style.display = "block";
  const input = document.createElement("input");
  input.type = "range";
  input.min = "-1024";
  input.max = "1024";
  input.step = "16";
  input.className = `tne-${name}`;
  input.value = String(model.get(name));
  input.addEventListener("input", () => {
    model.set(name, parseInt(input.value, 10));
    model.save_changes();
  });
  row.append(document.createTextNode(label + " "), input);
  return [row, input];
}

export default {
  render({ model, el }) {
    const texts = model.get("texts") || {};
    el.classList.add("tne-simulator");
    const title = document.createElement("div");
    title.className = "tne-title";
    title.textContent = texts.title;
    const unavailable = document.createElement("div");
    unavailable.className = "tne-unavailable";
    unavailable.textContent = texts.unavailable;
    const picture = document.createElement("div");
    picture.className = "tne-picture";
    const front = document.createElement("div");
    Object.assign(front.style, { display: "flex", alignItems: "center" });
    front.appendChild(physicalButton("a", model));
    const show = makeLeds(front, texts.title);
    front.appendChild(physicalButton("b", model));
    const play = tneButton("", () => {
      model.set("paused", !model.get("paused"));
      model.save_changes();
    });
    play.classList.add("tne-play");
    const speed = document.createElement("select");
    speed.className = "tne-speed";
    for (const factor of SPEEDS) {
      const option = document.createElement("option");
      option.value = String(factor);
      option.textContent = factor === 0 ? texts.fastest : "\u00D7" + String(factor).replace(".", ",");
      speed.appendChild(option);
    }
    speed.addEventListener("change", () => {
      model.set("speed", parseFloat(speed.value));
      model.save_changes();
    });
    const controls = document.createElement("div");
    controls.append(play, document.createTextNode(" " + texts.speed + " "), speed);
    const [rowX, inputX] = slider(texts.tilt_x, "tilt_x", model);
    const [rowY, inputY] = slider(texts.tilt_y, "tilt_y", model);
    el.append(title, unavailable, picture, front, controls, rowX, rowY);
    const update = () => {
      show(model.get("pixels"));
      const available = model.get("available");
      unavailable.style.display = available ? "none" : "block";
      play.textContent = model.get("paused") ? texts.play : texts.pause;
      speed.value = String(model.get("speed"));
      inputX.value = String(model.get("tilt_x"));
      inputY.value = String(model.get("tilt_y"));
    };
    const draw = () => {
      picture.innerHTML = model.get("picture");
      const svg = picture.querySelector("svg");
      if (svg) Object.assign(svg.style, { maxWidth: "min(100%, 640px)", height: "auto" });
    };
    update();
    draw();
    const names = ["change:pixels", "change:available", "change:paused", "change:speed",
      "change:tilt_x", "change:tilt_y"];
    names.forEach((name) => model.on(name, update));
    model.on("change:picture", draw);
    return () => {
      names.forEach((name) => model.off(name, update));
      model.off("change:picture", draw);
    };
  },
};
