// Runs the canvas lesson's WebAssembly (canvas.js, canvas.wasm) off the page's thread, so the
// page can redraw while the networks train: every epoch arrives as a message.
"use strict";
var Module = {
  onEpoch: (json) => postMessage({ type: "epoch", data: JSON.parse(json) }),
  onRuntimeInitialized: () =>
    postMessage({ type: "ready", defaults: call("canvas_defaults", [], []) }),
};
importScripts("canvas.js");

// Calls an exported C function that returns JSON text, and parses it.
function call(name, types, args) {
  return JSON.parse(Module.ccall(name, "string", types, args));
}

onmessage = (event) => {
  const m = event.data;
  let result;
  if (m.type === "preset") {
    result = call("canvas_preset", ["number", "number", "number"], [m.clicks, m.spread, m.seed]);
  } else if (m.type === "train") {
    const started = performance.now();
    result = call("canvas_train",
                  ["string", "number", "number", "number", "number", "number", "number",
                   "number"],
                  [m.csv, m.shuffle ? 1 : 0, m.hidden, m.epochs, m.rate, m.seed, m.heldOut,
                   m.grid]);
    result.milliseconds = performance.now() - started;
  } else if (m.type === "predict") {
    result = call("canvas_predict", ["number", "number"], [m.x, m.y]);
  }
  postMessage({ type: m.type, id: m.id, data: result });
};
