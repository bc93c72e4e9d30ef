// The web pages in a real browser (Debian's chromium, headless, driven by playwright-core):
// the canvas page trains on the lesson's preset and on clicks placed with the mouse, and must
// give the held-out accuracy the native notes_canvas gives for the same clicks and seed; the
// melody page must give the continuation the native bach_generate gives for the same primer
// and seed. Screenshots of both pages go to OUT.
//
//   node browser_test.mjs SITE NATIVE_BIN OUT
//
// SITE: the folder web/build.sh wrote; NATIVE_BIN: the folder holding notes_canvas and
// bach_generate; OUT: a folder for the native runs' files and the screenshots.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";

const [site, bin, out] = process.argv.slice(2);
if (!site || !bin || !out) {
  console.error("usage: node browser_test.mjs SITE NATIVE_BIN OUT");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures += 1;
}

// A static server for SITE on a free port of the loopback (what `python3 -m http.server` does).
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm",
                ".css": "text/css", ".json": "application/json" };
const server = createServer((request, response) => {
  const path = join(site, decodeURIComponent(new URL(request.url, "http://x").pathname));
  try {
    const body = readFileSync(path);
    response.writeHead(200, { "Content-Type": types[extname(path)] || "application/octet-stream" });
    response.end(body);
  } catch {
    response.writeHead(404);
    response.end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// Runs a native program with a JSON summary and returns the summary.
function native(program, args, name) {
  const summary = join(out, `${name}.json`);
  execFileSync(join(bin, program),
               [...args, "--summary", summary, "--out", join(out, name), "--force", "--no-wav"],
               { stdio: ["ignore", "ignore", "inherit"] });
  return JSON.parse(readFileSync(summary, "utf8"));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // As root in CI: no sandbox; a container's small /dev/shm: use /tmp.
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));

  // --- notes on a canvas: the preset -------------------------------------------------------
  await page.goto(`${base}/canvas.html`);
  await page.waitForFunction(() => window.bachprop.ready, null, { timeout: 60000 });
  const seed = 3;
  await page.fill("#seed", String(seed));
  await page.click("#preset");
  await page.waitForFunction(() => document.getElementById("count").textContent.startsWith("350"));
  await page.click("#train");
  await page.waitForFunction(() => window.bachprop.result, null, { timeout: 120000 });
  const preset = await page.evaluate(() => window.bachprop.result);
  const epochsSeen = await page.evaluate(() => window.bachprop.epochs);
  const reference = native("notes_canvas", ["--seed", String(seed)], "canvas_preset");
  check(!preset.error, `canvas: the preset trains (${preset.error || "no error"})`);
  check(epochsSeen === 400,
        `canvas: the page saw every epoch of both models as it trained (${epochsSeen} of 400)`);
  check(preset.clicks.held_out === reference.clicks.held_out &&
        preset.clicks.training === reference.clicks.training,
        `canvas: the same split (${preset.clicks.training} + ${preset.clicks.held_out})`);
  check(preset.classifier.held_out_accuracy === reference.classifier.held_out_accuracy,
        `canvas: held-out accuracy ${preset.classifier.held_out_accuracy} in the browser, ` +
        `${reference.classifier.held_out_accuracy} from notes_canvas --seed ${seed}`);
  check(preset.classifier.training_accuracy === reference.classifier.training_accuracy,
        `canvas: training accuracy ${preset.classifier.training_accuracy}, native ` +
        `${reference.classifier.training_accuracy}`);
  const lossGap = Math.abs(preset.classifier.losses.at(-1) - reference.classifier.final_loss);
  check(lossGap <= 1e-3 * reference.classifier.final_loss,
        `canvas: final classifier loss ${preset.classifier.losses.at(-1)}, native ` +
        `${reference.classifier.final_loss} (float sums in another order: within 0.1%)`);
  const hzGap = Math.abs(preset.regressor.held_out.mean_abs_hz -
                         reference.regressor.held_out_mean_abs_hz);
  check(hzGap <= 0.01 * reference.regressor.held_out_mean_abs_hz,
        `canvas: regressor's held-out error ${preset.regressor.held_out.mean_abs_hz.toFixed(3)}` +
        ` Hz, native ${reference.regressor.held_out_mean_abs_hz.toFixed(3)} Hz (within 1%)`);

  // Listening: a click on the plane names a note and a frequency.
  await page.check("input[name=mode][value=listen]");
  const box = await page.locator("#plane").boundingBox();
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.17);  // C's region
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("At"));
  const heard = await page.textContent("#status");
  check(/: C \(/.test(heard), `canvas: a click at the top is heard as C (${heard})`);
  await page.screenshot({ path: join(out, "canvas.png"), fullPage: true });

  // --- notes on a canvas: clicks placed with the mouse, as --points -----------------------
  await page.check("input[name=mode][value=place]");
  await page.click("#clear");
  const notes = ["C", "D", "E", "F", "G", "A", "B"];
  // Every fourth click is placed in another note's region, so that no network can be right on
  // all of them and the accuracies compared are not just 100% against 100%.
  for (let i = 0; i < 56; ++i) {
    const note = i % 7;
    const region = i % 4 === 3 ? (note + 3) % 7 : note;
    const angle = 2 * Math.PI * region / 7, wobble = 0.05 * Math.sin(i * 2.3);
    await page.check(`input[name=note][value=${notes[note]}]`);
    await page.mouse.click(box.x + box.width * (0.5 + (0.3 + wobble) * Math.sin(angle)),
                           box.y + box.height * (0.5 - (0.3 - wobble) * Math.cos(angle)));
  }
  await page.fill("#epochs", "60");
  await page.click("#train");
  await page.waitForFunction(() => window.bachprop.result, null, { timeout: 120000 });
  const clicked = await page.evaluate(() => window.bachprop.result);
  const csvFile = join(out, "clicks.csv");
  writeFileSync(csvFile, await page.evaluate(() => csv()));
  const fromPoints = native("notes_canvas",
                            ["--points", csvFile, "--epochs", "60", "--seed", String(seed)],
                            "canvas_points");
  check(clicked.clicks.total === 56, `canvas: 56 clicks placed with the mouse`);
  check(clicked.classifier.held_out_accuracy === fromPoints.classifier.held_out_accuracy &&
        clicked.classifier.held_out_accuracy < 1,
        `canvas: held-out accuracy on the mouse's clicks ${clicked.classifier.held_out_accuracy}` +
        `, native --points ${fromPoints.classifier.held_out_accuracy} (below 1: some clicks ` +
        `sit in another note's region)`);
  check(clicked.classifier.training_accuracy === fromPoints.classifier.training_accuracy,
        `canvas: training accuracy on the mouse's clicks ${clicked.classifier.training_accuracy}` +
        `, native --points ${fromPoints.classifier.training_accuracy}`);

  // --- continue a melody -----------------------------------------------------------------
  await page.goto(`${base}/melody.html`);
  await page.waitForFunction(() => window.bachprop.ready, null, { timeout: 60000 });
  const primer = "C4 D4 E4/8 F4/8 G4/2 A4 G4 F4 E4 D4/2 C4/2";
  for (const [melodySeed, temperature] of [[5, "0.8"], [11, "1.2"]]) {
    await page.fill("#primer", primer);
    await page.fill("#seed", String(melodySeed));
    await page.fill("#temperature", temperature);
    await page.click("#continue");
    const result = await page.evaluate(() => window.bachprop.result);
    const generated = native("bach_generate",
                             ["--primer", primer, "--seed", String(melodySeed), "--temperature",
                              temperature, "--length", "32"],
                             `generate_${melodySeed}`);
    check(!result.error && JSON.stringify(result.continuation.pitches) ===
              JSON.stringify(generated.continuation.pitches) &&
              JSON.stringify(result.continuation.durations) ===
              JSON.stringify(generated.continuation.durations),
          `melody: seed ${melodySeed}, temperature ${temperature}: the browser's 32 notes equal` +
          ` bach_generate's (${(result.continuation.names || []).slice(0, 8).join(" ")} ...)`);
  }
  // A played primer: two keys of the on-screen keyboard after a typed note.
  await page.fill("#primer", "G4");
  await page.click(".key[title=E4]");
  await page.click(".key[title=C5]");
  check((await page.inputValue("#primer")) === "G4 E4 C5",
        `melody: the keyboard writes the notes it plays ("${await page.inputValue("#primer")}")`);
  await page.fill("#primer", "C4 D4 E4/8 F4/8 G4/2");
  await page.fill("#seed", "1");
  await page.fill("#temperature", "0.8");
  await page.click("#continue");
  const midi = await page.evaluate(() => window.bachprop.result.midi);
  check(midi.length > 100 && String.fromCharCode(...midi.slice(0, 4)) === "MThd",
        `melody: the MIDI download is a MIDI file (${midi.length} bytes)`);
  await page.fill("#primer", "C4 H4");
  await page.click("#continue");
  const bad = await page.evaluate(() => window.bachprop.result);
  check(bad.error && bad.error.includes("H4"),
        `melody: a bad primer is refused with a message (${bad.error})`);
  await page.fill("#primer", primer);
  await page.click("#continue");
  await page.screenshot({ path: join(out, "melody.png"), fullPage: true });
  check(problems.length === 0, `no script errors on the pages (${problems.join("; ")})`);
} finally {
  await browser.close();
  server.close();
}
console.log(failures === 0 ? "all browser checks passed" : `${failures} browser check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
