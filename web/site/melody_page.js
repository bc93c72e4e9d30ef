// The melody page: a primer typed or played, the shipped model loaded into the WebAssembly
// (melody.js, melody.wasm), the continuation drawn as a piano roll, played through WebAudio and
// offered as a MIDI file. The test (web/test/browser_test.mjs) reads window.bachprop.
"use strict";
window.bachprop = { ready: false, result: null };
const NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
const status = document.getElementById("status");
const primerBox = document.getElementById("primer");
let audio = null;
let last = null;

function call(name, types, args) {
  return JSON.parse(Module.ccall(name, "string", types, args));
}

window.melodyPage = {
  async start() {
    const response = await fetch("bach_melody_rnn.json");
    const model = call("melody_load", ["string", "string"],
                       [await response.text(), "bach_melody_rnn.json"]);
    if (model.error) {
      status.innerHTML = `<span class="error">${model.error}</span>`;
      return;
    }
    status.textContent = `Model loaded: ${model.cell}, pitches ${model.lowest}..${model.highest}.`;
    document.getElementById("continue").disabled = false;
    window.bachprop.model = model;
    window.bachprop.ready = true;
  },
};

// An on-screen keyboard, C4 to B5: a key adds its note to the primer and sounds it.
const keyboard = document.getElementById("keyboard");
let white = 0;
for (let pitch = 60; pitch < 84; ++pitch) {
  const name = NAMES[pitch % 12] + (Math.floor(pitch / 12) - 1);
  const key = document.createElement("div");
  const black = name.includes("#");
  key.className = "key " + (black ? "black" : "white");
  key.style.left = (black ? white * 34 - 11 : white * 34) + "px";
  key.textContent = black ? "" : name;
  key.title = name;
  key.onclick = () => {
    const length = document.getElementById("playedlength").value;
    primerBox.value = (primerBox.value.trim() + " " + name + length).trim();
    play([{ pitch, start: 0, duration: 0.5 }], 120);
  };
  keyboard.appendChild(key);
  if (!black) white += 1;
}
keyboard.style.width = white * 34 + "px";
document.getElementById("backspace").onclick = () => {
  primerBox.value = primerBox.value.trim().split(/\s+/).slice(0, -1).join(" ");
};
document.getElementById("clearprimer").onclick = () => { primerBox.value = ""; };

// Notes with onsets, in quarter notes, from pitches and durations.
function timed(seq, from) {
  let t = from;
  return seq.pitches.map((pitch, i) => {
    const note = { pitch, start: t, duration: seq.durations[i], name: seq.names[i] };
    t += seq.durations[i];
    return note;
  });
}

document.getElementById("continue").onclick = () => {
  const started = performance.now();
  const result = call("melody_continue",
                      ["string", "number", "number", "number", "number", "number"],
                      [primerBox.value,
                       Number(document.getElementById("length").value),
                       Number(document.getElementById("temperature").value),
                       Number(document.getElementById("topk").value),
                       Number(document.getElementById("topp").value),
                       Number(document.getElementById("seed").value)]);
  window.bachprop.result = result;
  if (result.error) {
    status.innerHTML = `<span class="error">${result.error}</span>`;
    return;
  }
  const primer = timed(result.primer, 0);
  const end = primer.length ? primer[primer.length - 1].start + primer[primer.length - 1].duration : 0;
  const continuation = timed(result.continuation, end);
  last = { primer, continuation };
  status.textContent = `Continued in ${(performance.now() - started).toFixed(0)} ms, in ` +
      `${result.key}` + (result.shift ? ` (heard ${result.shift} semitones away)` : "") + ".";
  document.getElementById("result").textContent =
      "Continuation: " + result.continuation.names.join(" ");
  const midi = new Uint8Array(result.midi);
  document.getElementById("download").href =
      URL.createObjectURL(new Blob([midi], { type: "audio/midi" }));
  document.getElementById("play").disabled = false;
  drawRoll(primer, continuation);
};
document.getElementById("play").onclick = () => {
  if (last) play(last.primer.concat(last.continuation), 80);
};

// A piano roll: time across, pitch up; the primer grey, the continuation blue.
function drawRoll(primer, continuation) {
  const canvas = document.getElementById("roll");
  const g = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  const all = primer.concat(continuation);
  const low = Math.min(...all.map((n) => n.pitch)) - 2;
  const high = Math.max(...all.map((n) => n.pitch)) + 2;
  const last = all[all.length - 1];
  const length = last.start + last.duration;
  const row = h / (high - low + 1);
  g.fillStyle = "#fff";
  g.fillRect(0, 0, w, h);
  for (let p = low; p <= high; ++p) {
    if ([1, 3, 6, 8, 10].includes(p % 12)) {
      g.fillStyle = "#f1f1f1";
      g.fillRect(0, h - (p - low + 1) * row, w, row);
    }
    if (p % 12 === 0) {
      g.fillStyle = "#888";
      g.font = "10px sans-serif";
      g.fillText("C" + (p / 12 - 1), 2, h - (p - low) * row - 2);
    }
  }
  const x = (t) => 24 + (w - 30) * t / length;
  for (const [notes, colour] of [[primer, "#888"], [continuation, "#4363d8"]]) {
    g.fillStyle = colour;
    for (const n of notes) {
      g.fillRect(x(n.start), h - (n.pitch - low + 1) * row + 1,
                 Math.max(2, x(n.start + n.duration) - x(n.start) - 1), Math.max(2, row - 2));
    }
  }
}

// The notes through WebAudio at `bpm` quarter notes a minute.
function play(notes, bpm) {
  audio = audio || new AudioContext();
  const t0 = audio.currentTime + 0.05, quarter = 60 / bpm;
  for (const n of notes) {
    const osc = audio.createOscillator(), gain = audio.createGain();
    osc.type = "triangle";
    osc.frequency.value = 440 * Math.pow(2, (n.pitch - 69) / 12);
    const start = t0 + n.start * quarter, end = start + n.duration * quarter * 0.95;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.setValueAtTime(0.25, Math.max(start + 0.02, end - 0.05));
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(end + 0.01);
  }
}
