// The micro:bit's 5x5 red LEDs, shared by every view (prepended to each view's module).
// makeLeds(parent) builds the matrix once; the returned function sets 25 brightnesses (0-9).
function makeLeds(parent, label) {
  const board = document.createElement("div");
  board.className = "tne-leds";
  board.setAttribute("role", "img");
  board.setAttribute("aria-label", label || "LED");
  Object.assign(board.style, {
    display: "inline-grid",
    gridTemplateColumns: "repeat(5, 18px)",
    gap: "10px",
    padding: "14px",
    background: "#1b1b1b",
    borderRadius: "10px",
  });
  const leds = [];
  for (let i = 0; i < 25; i++) {
    const led = document.createElement("div");
    led.className = "tne-led";
    Object.assign(led.style, { width: "8px", height: "16px", margin: "0 5px", borderRadius: "2px" });
    board.appendChild(led);
    leds.push(led);
  }
  parent.appendChild(board);
  return function show(pixels) {
    for (let i = 0; i < 25; i++) {
      const level = Math.max(0, Math.min(9, (pixels && pixels[i]) | 0));
      const led = leds[i];
      led.dataset.level = String(level);
      if (level === 0) {
        led.style.background = "#3a2a2a";
        led.style.boxShadow = "none";
      } else {
        const alpha = 0.35 + (0.65 * level) / 9;
        led.style.background = `rgba(255, 40, 30, ${alpha})`;
        led.style.boxShadow = `0 0 ${2 + level}px ${level / 2}px rgba(255, 50, 30, ${alpha * 0.8})`;
      }
    }
    board.dataset.lit = String(leds.filter((led) => led.dataset.level !== "0").length);
  };
}

function tneButton(text, onClick) {
  const button = document.createElement("button");
  button.className = "jupyter-button tne-button";
  button.textContent = text;
  button.addEventListener("click", onClick);
  return button;
}
