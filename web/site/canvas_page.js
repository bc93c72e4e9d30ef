// The canvas page: clicks on the plane, training in a worker (canvas_worker.js) with the plane
// redrawn every epoch, and the trained models heard through WebAudio. The test
// (web/test/browser_test.mjs) reads window.bachprop for the results.
"use strict";
const NOTES = ["C", "D", "E", "F", "G", "A", "B"];
const COLOURS = ["#e6194b", "#f58231", "#ffe119", "#3cb44b", "#42d4f4", "#4363d8", "#911eb4"];
const GRID = 60;  // the plane is shown as GRID × GRID cells of the classifier's answer

const plane = document.getElementById("plane");
const lossCanvas = document.getElementById("loss");
const status = document.getElementById("status");
const resultBox = document.getElementById("result");
const worker = new Worker("canvas_worker.js");
const pending = new Map();  // message id → resolve
let nextId = 1;
let points = [];            // {x, y, note} with x, y in [0, 1] and note a letter
let fromPreset = false;     // the points are the preset's, untouched (no shuffle, as generated)
let classes = null;         // the classifier's note per grid cell, once it has trained
let heldOut = [];           // the points the last training held out
let losses = { classifier: [], regressor: [] };
let selected = "C";
let audio = null;
window.bachprop = { ready: false, result: null, epochs: 0 };

function ask(message) {
  return new Promise((resolve) => {
    message.id = nextId++;
    pending.set(message.id, resolve);
    worker.postMessage(message);
  });
}

worker.onmessage = (event) => {
  const m = event.data;
  if (m.type === "ready") {
    const d = m.defaults;
    document.getElementById("epochs").value = d.epochs;
    document.getElementById("hidden").value = d.hidden;
    document.getElementById("rate").value = d.learning_rate;
    document.getElementById("seed").value = d.seed;
    document.getElementById("heldout").value = d.held_out;
    window.bachprop.defaults = d;
    window.bachprop.ready = true;
    status.textContent = "Ready. Place notes, or load the lesson's preset.";
    updateCount();
  } else if (m.type === "epoch") {
    const e = m.data;
    losses[e.model].push(e.loss);
    if (e.classes) {
      classes = e.classes;
    }
    window.bachprop.epochs += 1;
    status.textContent = `Training the ${e.model}: epoch ${e.epoch} of ${e.epochs}, ` +
                         `loss ${e.loss.toFixed(4)}`;
    requestDraw();
  } else if (pending.has(m.id)) {
    pending.get(m.id)(m.data);
    pending.delete(m.id);
  }
};

// --- drawing -----------------------------------------------------------------------------
let drawQueued = false;
function requestDraw() {
  if (!drawQueued) {
    drawQueued = true;
    requestAnimationFrame(() => { drawQueued = false; drawPlane(); drawLosses(); });
  }
}

function drawPlane() {
  const g = plane.getContext("2d");
  const w = plane.width, h = plane.height;
  g.fillStyle = "#fff";
  g.fillRect(0, 0, w, h);
  if (classes) {
    g.globalAlpha = 0.35;
    for (let row = 0; row < GRID; ++row) {
      for (let col = 0; col < GRID; ++col) {
        g.fillStyle = COLOURS[classes[row * GRID + col]];
        g.fillRect(Math.floor(col * w / GRID), Math.floor(row * h / GRID),
                   Math.ceil(w / GRID), Math.ceil(h / GRID));
      }
    }
    g.globalAlpha = 1;
  }
  const held = new Set(heldOut.map((p) => p.join(",")));
  g.font = "bold 9px sans-serif";
  g.textAlign = "center";
  g.textBaseline = "middle";
  for (const p of points) {
    const x = p.x * w, y = p.y * h;
    g.beginPath();
    g.arc(x, y, 6, 0, 2 * Math.PI);
    const isHeld = held.has([p.x, p.y, p.note].join(","));
    g.fillStyle = isHeld ? "#fff" : COLOURS[NOTES.indexOf(p.note)];
    g.fill();
    g.lineWidth = isHeld ? 2.5 : 1;
    g.strokeStyle = isHeld ? COLOURS[NOTES.indexOf(p.note)] : "#333";
    g.stroke();
    g.fillStyle = isHeld ? "#000" : "#fff";
    g.fillText(p.note, x, y + 0.5);
  }
}

function drawLosses() {
  const g = lossCanvas.getContext("2d");
  const w = lossCanvas.width, h = lossCanvas.height;
  g.fillStyle = "#fff";
  g.fillRect(0, 0, w, h);
  g.fillStyle = "#333";
  g.font = "11px sans-serif";
  g.fillText("loss per epoch (log scale): classifier (blue), regressor (orange)", 6, 13);
  const all = losses.classifier.concat(losses.regressor).filter((v) => v > 0);
  if (all.length === 0) return;
  const top = Math.log(Math.max(...all)), bottom = Math.log(Math.min(...all));
  const epochs = Number(document.getElementById("epochs").value) || 1;
  for (const [name, colour] of [["classifier", "#4363d8"], ["regressor", "#f58231"]]) {
    const series = losses[name];
    g.strokeStyle = colour;
    g.lineWidth = 1.5;
    g.beginPath();
    series.forEach((v, i) => {
      const x = 6 + (w - 12) * (i + 1) / epochs;
      const y = 20 + (h - 28) * (top === bottom ? 0.5 : (top - Math.log(v)) / (top - bottom));
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }
}

// --- the controls ------------------------------------------------------------------------
const noteBox = document.getElementById("notes");
NOTES.forEach((n, i) => {
  const label = document.createElement("label");
  label.style.background = COLOURS[i];
  label.innerHTML = `<input type="radio" name="note" value="${n}"${i === 0 ? " checked" : ""}> ${n}`;
  label.querySelector("input").onchange = () => { selected = n; };
  noteBox.appendChild(label);
});
document.addEventListener("keydown", (event) => {
  const n = event.key.toUpperCase();
  if (NOTES.includes(n) && event.target.tagName !== "INPUT") {
    selected = n;
    noteBox.querySelector(`input[value=${n}]`).checked = true;
  }
});

function mode() { return document.querySelector("input[name=mode]:checked").value; }
function updateCount() {
  document.getElementById("count").textContent =
      `${points.length} clicks` + (fromPreset ? " (the lesson's preset)" : "");
  document.getElementById("train").disabled = !window.bachprop.ready || points.length < 14;
}

plane.addEventListener("click", async (event) => {
  const r = plane.getBoundingClientRect();
  const x = (event.clientX - r.left) / r.width, y = (event.clientY - r.top) / r.height;
  if (mode() === "place") {
    points.push({ x, y, note: selected });
    fromPreset = false;
    updateCount();
    requestDraw();
  } else {
    const answer = await ask({ type: "predict", x, y });
    if (answer.error) {
      status.textContent = answer.error;
      return;
    }
    status.textContent = `At (${x.toFixed(2)}, ${y.toFixed(2)}): ${answer.note} ` +
        `(probability ${(100 * answer.probability).toFixed(0)}%, ${answer.note_hz.toFixed(1)} Hz);` +
        ` the regressor says ${answer.hz.toFixed(1)} Hz`;
    play([answer.note_hz, answer.hz]);
  }
});

document.getElementById("preset").onclick = async () => {
  const d = window.bachprop.defaults;
  const seed = Number(document.getElementById("seed").value);
  const answer = await ask({ type: "preset", clicks: d.clicks, spread: d.spread, seed });
  points = answer.points.map(([x, y, note]) => ({ x, y, note }));
  fromPreset = true;
  classes = null;
  heldOut = [];
  updateCount();
  requestDraw();
};
document.getElementById("clear").onclick = () => {
  points = [];
  fromPreset = false;
  classes = null;
  heldOut = [];
  updateCount();
  requestDraw();
};

// The clicks as notes_canvas --points reads them. JavaScript writes each number with the
// fewest digits that read back exactly, so the program reads the very same positions.
function csv() {
  return "x,y,note\n" + points.map((p) => `${p.x},${p.y},${p.note}`).join("\n") + "\n";
}
document.getElementById("csv").onclick = () => {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([csv()], { type: "text/csv" }));
  link.download = "clicks.csv";
  link.click();
};

document.getElementById("train").onclick = async () => {
  const settings = {
    type: "train", csv: csv(), shuffle: !fromPreset,
    epochs: Number(document.getElementById("epochs").value),
    hidden: Number(document.getElementById("hidden").value),
    rate: Number(document.getElementById("rate").value),
    seed: Number(document.getElementById("seed").value),
    heldOut: Number(document.getElementById("heldout").value),
    grid: GRID,
  };
  losses = { classifier: [], regressor: [] };
  window.bachprop.result = null;
  window.bachprop.epochs = 0;
  document.getElementById("train").disabled = true;
  const result = await ask(settings);
  document.getElementById("train").disabled = false;
  if (result.error) {
    status.innerHTML = `<span class="error">${result.error}</span>`;
    window.bachprop.result = result;
    return;
  }
  classes = result.classes;
  heldOut = result.held_out_points;
  const c = result.classifier, r = result.regressor;
  status.textContent = `Trained in ${(result.milliseconds / 1000).toFixed(2)} s. ` +
                       "Choose \"hear the trained models\" and click anywhere.";
  resultBox.textContent =
      `${result.clicks.training} clicks trained on, ${result.clicks.held_out} held out ` +
      `(hollow)\nclassifier: accuracy ${(100 * c.training_accuracy).toFixed(1)}% on the ` +
      `training clicks, ${(100 * c.held_out_accuracy).toFixed(1)}% held out\n` +
      `regressor: held out, mean error ${r.held_out.mean_abs_hz.toFixed(1)} Hz ` +
      `(${r.held_out.mean_abs_cents.toFixed(0)} cents); ` +
      `${(100 * r.held_out.within_50_cents).toFixed(1)}% within 50 cents of the right note`;
  window.bachprop.result = result;
  window.bachprop.settings = settings;
  requestDraw();
};

// Two tones: the note the classifier names, then the frequency the regressor predicts.
function play(frequencies) {
  audio = audio || new AudioContext();
  let t = audio.currentTime + 0.02;
  for (const f of frequencies) {
    const osc = audio.createOscillator(), gain = audio.createGain();
    osc.type = "triangle";
    osc.frequency.value = f;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.45);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.5);
    t += 0.55;
  }
}

drawPlane();
drawLosses();
