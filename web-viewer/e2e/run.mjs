// End-to-end test of the viewer, as a radiologist uses it: starts the built server (server/target/quarkus-app) on
// free ports with its own data directory and a fresh database, sends it the demo study with deploy/demo.sh (which
// waits for the AI job), then drives Debian's Chromium with playwright-core through the worklist, the review
// (both viewports, opacity, the map over the inserted lesion, scrolling, presets, window/level, overlay mode), the
// feedback (given, then seen again after a reload) and the errors a radiologist must understand.
// Screenshots go to web-viewer/target/e2e/. Prints the open-to-first-heatmap time and the scroll rate (numbers, not
// asserted), then "N passed, M failed"; the exit status is non-zero when a check failed.
//
// Environment: E2E_DB_NAME (glassbox_e2e) on the machine's PostgreSQL at 127.0.0.1:5432 (user postgres), dropped
// and created anew; CHROMIUM (/usr/bin/chromium).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const artifacts = resolve(here, '../target/e2e');
const jar = join(repo, 'server/target/quarkus-app/quarkus-run.jar');
const dbName = process.env.E2E_DB_NAME ?? 'glassbox_e2e';
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const results = [];
const numbers = [];
const log = (message) => console.log(`[e2e] ${message}`);

async function check(name, body) {
  try {
    await body();
    results.push({ name, ok: true });
    log(`PASS ${name}`);
  } catch (e) {
    results.push({ name, ok: false });
    log(`FAIL ${name}: ${e instanceof Error ? e.message : e}`);
  }
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/** Polls until the function returns a truthy value, or throws after the deadline with what it waited for. */
async function until(what, fn, timeoutMs = 30000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}

function psql(sql) {
  const r = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`psql ${sql}: ${r.stderr || r.error}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

assert(existsSync(jar), `${jar} is missing: build the server first (./mvnw package or deploy/build.sh)`);
assert(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install chromium (deploy/setup.sh test installs it)`);
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'glassbox-e2e-'));
const httpPort = await freePort();
const dicomPort = await freePort();
const base = `http://127.0.0.1:${httpPort}`;
psql(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
psql(`CREATE DATABASE ${dbName}`);

log(`server on ${base}, DICOM port ${dicomPort}, data in ${work}/data, database ${dbName}`);
const serverLog = createWriteStream(join(artifacts, 'server.log'));
const server = spawn('java', ['-jar', jar], {
  cwd: work,
  env: {
    ...process.env,
    GLASSBOX_DATA_DIR: join(work, 'data'),
    GLASSBOX_HTTP_PORT: String(httpPort),
    GLASSBOX_HTTP_HOST: '127.0.0.1',
    GLASSBOX_DICOM_PORT: String(dicomPort),
    GLASSBOX_DICOM_BIND_ADDRESS: '127.0.0.1',
    GLASSBOX_DB_URL: `jdbc:postgresql://127.0.0.1:5432/${dbName}`,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.pipe(serverLog);
server.stderr.pipe(serverLog);
let serverExited = false;
server.on('exit', () => (serverExited = true));

let browser;
let userData;
try {
  await until('the server to be ready', async () => {
    assert(!serverExited, 'the server exited; see target/e2e/server.log');
    return (await fetch(`${base}/q/health/ready`)).ok;
  }, 120000, 500);

  userData = mkdtempSync(join(tmpdir(), 'glassbox-e2e-chromium-'));
  browser = await chromium.launchPersistentContext(userData, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const shot = (name, target = page) => target.screenshot({ path: join(artifacts, `${name}.png`) });

  // The worklist is open before the study arrives: it must show the study and its AI result as they come, without
  // a reload (server-sent events), while deploy/demo.sh sends the study and waits for its job.
  await page.goto(`${base}/`);
  await until('the empty worklist', async () => (await page.locator('#page-text').textContent()) === 'No studies match', 30000);
  await page.evaluate(() => (window.e2eSameDocument = true));
  log('sending the demo study (deploy/demo.sh) and waiting for its AI job');
  const demo = await new Promise((resolveDemo) => {
    const child = spawn('bash', ['deploy/demo.sh'], {
      cwd: repo, env: { ...process.env, GLASSBOX_URL: base, GLASSBOX_DICOM_PORT: String(dicomPort), DEMO_TIMEOUT_SECONDS: '150' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolveDemo({ status, signal, out });
    });
  });
  assert(demo.status === 0, `deploy/demo.sh failed (${demo.status ?? demo.signal}):\n${demo.out.slice(-2000)}`);
  const truthFile = /(\S+\/ground-truth\.json)/.exec(demo.out)?.[1];
  assert(truthFile, 'deploy/demo.sh did not name its ground-truth.json');
  const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
  const studyUid = truth.studyInstanceUid;
  rmSync(dirname(truthFile), { recursive: true, force: true });

  await check('the open worklist shows the new study and its AI result as they come, without a reload', async () => {
    const row = page.locator(`tr[data-study="${studyUid}"]`);
    await row.waitFor({ timeout: 30000 });
    await until('the AI status "Done"', async () => (await row.locator('td.ai').textContent()) === 'Done', 30000);
    assert(await page.evaluate(() => window.e2eSameDocument === true), 'the page was reloaded');
  });
  const heatmapView = page.locator('#viewport-heatmap');
  const originalView = page.locator('#viewport-original');

  /** Pixel statistics computed in the page from PNG screenshots (the browser decodes them). */
  const pixels = (fn, ...pngs) => page.evaluate(async ({ source, images }) => {
    const decode = async (b64) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = c.getContext('2d');
      g.drawImage(bitmap, 0, 0);
      return g.getImageData(0, 0, bitmap.width, bitmap.height);
    };
    const decoded = await Promise.all(images.map(decode));
    const layer = document.querySelector('#viewport-heatmap .heatmap-layer');
    const mask = layer.getContext('2d').getImageData(0, 0, layer.width, layer.height);
    return new Function('images', 'mask', `return (${source})(images, mask);`)(decoded, mask);
  }, { source: fn.toString(), images: pngs.map((b) => b.toString('base64')) });

  // ---- worklist → review ----
  let openMs = null;
  await check('the worklist filters on the server: a patient that is not there, then the demo patient by wildcard', async () => {
    await page.goto(`${base}/#/?patient=nobody*`);
    await until('"No studies match"', async () => (await page.locator('#page-text').textContent()) === 'No studies match', 15000);
    await page.fill('#patient', 'glassbox*');
    await page.selectOption('#finding', 'true');
    await page.click('#search');
    await page.locator(`tr[data-study="${studyUid}"]`).waitFor({ timeout: 15000 });
    assert(page.url().includes('patient=glassbox*') && page.url().includes('finding=true'), `the URL is ${page.url()}`);
  });

  await check('the worklist lists the demo study with its AI result, and opens it', async () => {
    await page.goto(`${base}/`);
    const row = page.locator(`tr[data-study="${studyUid}"]`);
    await row.waitFor({ timeout: 30000 });
    await until('the AI status "Done"', async () => (await row.locator('td.ai').textContent()) === 'Done', 30000);
    const top = await row.locator('td.top-finding').textContent();
    assert(/lesion/i.test(top) && /\d\.\d\d/.test(top), `top finding cell says "${top}"`);
    await shot('worklist');
    const clicked = Date.now();
    await row.click();
    const drawnAt = await until('the first heatmap to be drawn', () => page.evaluate(() => window.glassboxReview?.firstHeatmapAt), 30000, 10);
    openMs = drawnAt - clicked;
    numbers.push(`open study from the worklist to first image with heatmap drawn: ${openMs} ms`);
  });

  if (openMs === null) {
    // The worklist failed (reported above): open the study directly, so that the review's own checks still run.
    await page.goto(`${base}/#/study/${studyUid}`);
    await until('the first heatmap to be drawn', () => page.evaluate(() => window.glassboxReview?.firstHeatmapAt), 30000);
  }

  await check('both viewports show the image; the regulatory status is on screen', async () => {
    await shot('review');
    const [o, h] = [await originalView.screenshot(), await heatmapView.screenshot()];
    const lit = await pixels((images) => images.map((im) => {
      let n = 0;
      for (let i = 0; i < im.data.length; i += 4) {
        n += im.data[i] + im.data[i + 1] + im.data[i + 2] > 120 ? 1 : 0;
      }
      return n / (im.width * im.height);
    }), o, h);
    assert(lit[0] > 0.05 && lit[1] > 0.05, `lit fraction original ${lit[0]}, heatmap ${lit[1]}`);
    const banner = await page.locator('#regulatory-status').textContent();
    assert(/not a medical device/i.test(banner), `regulatory banner says "${banner}"`);
  });

  await check('the finding panel shows the plugin\'s published figures for the map\'s method, warned iff it fails the sanity check', async () => {
    const published = await page.evaluate(async (study) => {
      const results = await (await fetch(`/api/studies/${study}/results`)).json();
      const analysis = results.analyses.find((a) => a.method);
      const plugin = (await (await fetch('/api/plugins')).json()).find((p) => p.id === analysis.plugin.id);
      return { method: analysis.method, figures: plugin?.validation?.explanations?.methods?.find((m) => m.method === analysis.method) };
    }, studyUid);
    assert(published.figures, `the plugin publishes no figures for ${published.method}`);
    const panel = await page.locator('#faithfulness').textContent();
    const pointing = `${(100 * published.figures.pointingGame).toFixed(1)} %`;
    assert(panel.includes(pointing) && panel.includes(`${published.figures.deletionRatioToRandom.toFixed(2)}×`)
      && panel.includes(`${published.figures.insertionRatioToRandom.toFixed(2)}×`), `the panel says "${panel}"`);
    const fails = published.figures.sanity.verdict === 'fails';
    assert(panel.includes(fails ? 'FAILS' : 'passes'), `verdict ${published.figures.sanity.verdict}, the panel says "${panel}"`);
    assert((await page.locator('#sanity-warning').count()) === (fails ? 1 : 0), `sanity warning beside the map must be shown iff the method fails`);
  });

  await check('the map\'s brightest point lies on the inserted lesion, and is drawn there', async () => {
    const probe = await page.evaluate(() => {
      const r = window.glassboxReview;
      const peak = r.peak();
      return { peak, canvas: peak && r.toCanvas(peak.column + 0.5, peak.row + 0.5) };
    });
    assert(probe.peak, 'no heatmap shown on the first image');
    const instance = truth.instances.find((i) => i.sopInstanceUid === probe.peak.sopInstanceUid);
    assert(instance?.lesion, `the image shown first (${probe.peak.sopInstanceUid}) has no inserted lesion`);
    const radius = instance.equivalentRadiusMm / truth.pixelSpacingMm;
    const distance = Math.hypot(probe.peak.column - instance.centre.x, probe.peak.row - instance.centre.y);
    assert(distance <= radius, `peak at (${probe.peak.column}, ${probe.peak.row}), lesion centre (${instance.centre.x}, ${instance.centre.y}), radius ${radius.toFixed(1)} px`);
    const [x, y] = probe.canvas.map(Math.floor);
    const colours = await pixels(new Function('images', `const [o, h] = images; const i = (${y} * o.width + ${x}) * 4;
      return [o.data[i], o.data[i + 1], o.data[i + 2], h.data[i], h.data[i + 1], h.data[i + 2]];`),
    await originalView.screenshot(), await heatmapView.screenshot());
    const delta = Math.abs(colours[0] - colours[3]) + Math.abs(colours[1] - colours[4]) + Math.abs(colours[2] - colours[5]);
    assert(delta > 30, `at the peak (${x}, ${y}) the heatmap viewport shows ${colours.slice(3)} over the original's ${colours.slice(0, 3)}`);
  });

  const setRange = (id, value) => page.evaluate(({ id, value }) => {
    const input = document.getElementById(id);
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, { id, value });
  const settled = () => page.evaluate(() => window.glassboxReview.show(window.glassboxReview.index()));

  await check('moving the opacity slider changes the pixels where the heatmap is, and nowhere else', async () => {
    await setRange('opacity', 0.1);
    await settled();
    const low = await heatmapView.screenshot({ path: join(artifacts, 'opacity-low.png') });
    const originalBefore = await originalView.screenshot();
    await setRange('opacity', 0.9);
    await settled();
    const high = await heatmapView.screenshot({ path: join(artifacts, 'opacity-high.png') });
    const originalAfter = await originalView.screenshot();
    const counts = await pixels((images, mask) => {
      const [a, b, c, d] = images;
      // The heatmap's footprint, grown by one pixel for the edge of its scaled-up squares.
      const inside = (x, y) => {
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx, yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < mask.width && yy < mask.height && mask.data[(yy * mask.width + xx) * 4 + 3] > 0) {
              return true;
            }
          }
        }
        return false;
      };
      let changedInside = 0, changedOutside = 0, footprint = 0, originalChanged = 0;
      for (let y = 0; y < a.height; y++) {
        for (let x = 0; x < a.width; x++) {
          const i = (y * a.width + x) * 4;
          const changed = a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2];
          const isInside = inside(x, y);
          footprint += mask.data[i + 3] > 0 ? 1 : 0;
          if (changed) {
            if (isInside) changedInside++; else changedOutside++;
          }
          if (c.data[i] !== d.data[i] || c.data[i + 1] !== d.data[i + 1] || c.data[i + 2] !== d.data[i + 2]) originalChanged++;
        }
      }
      return { changedInside, changedOutside, footprint, originalChanged };
    }, low, high, originalBefore, originalAfter);
    log(`  opacity 0.1 → 0.9: ${counts.changedInside} pixels changed in the heatmap's footprint of ${counts.footprint}, ${counts.changedOutside} outside, ${counts.originalChanged} in the original viewport`);
    assert(counts.footprint > 50, `the heatmap covers only ${counts.footprint} pixels`);
    assert(counts.changedInside > counts.footprint * 0.5, `only ${counts.changedInside} of ${counts.footprint} footprint pixels changed`);
    assert(counts.changedOutside === 0, `${counts.changedOutside} pixels outside the heatmap changed`);
    assert(counts.originalChanged === 0, `${counts.originalChanged} pixels of the original viewport changed`);
    await setRange('opacity', 0.45);
  });

  await check('the threshold hides the weaker part of the map; the legend says so', async () => {
    const footprint = () => page.evaluate(() => {
      const layer = document.querySelector('#viewport-heatmap .heatmap-layer');
      const d = layer.getContext('2d').getImageData(0, 0, layer.width, layer.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) n += d[i] > 0 ? 1 : 0;
      return n;
    });
    await settled();
    const before = await footprint();
    await setRange('threshold', 0.8);
    await settled();
    const after = await footprint();
    const legend = await page.locator('#legend').textContent();
    assert(after > 0 && after < before, `footprint ${before} → ${after} pixels`);
    assert(legend.includes('Hidden below 0.80'), `legend says "${legend}"`);
    await setRange('threshold', 0.2);
  });

  await check('wheel and arrow keys scroll both viewports together', async () => {
    const start = await page.evaluate(() => window.glassboxReview.index());
    await heatmapView.hover();
    await page.mouse.wheel(0, 120);
    const moved = await until('the wheel to change the slice', async () => {
      const i = await page.evaluate(() => [window.glassboxReview.index(), window.glassboxReview.originalIndex()]);
      return i[0] !== start && i[0] === i[1] ? i : null;
    }, 10000);
    await page.keyboard.press('ArrowDown');
    await until('ArrowDown to move one slice', async () => {
      const i = await page.evaluate(() => [window.glassboxReview.index(), window.glassboxReview.originalIndex()]);
      return i[0] === moved[0] + 1 && i[1] === i[0];
    }, 10000);
    const label = await page.locator('#slice-label').textContent();
    assert(label.startsWith(`Image ${moved[0] + 2} of`), `slice label says "${label}"`);
    await shot('scrolled');
  });

  await check('"Next finding" jumps to the next image with a lesion', async () => {
    const from = await page.evaluate(() => window.glassboxReview.index());
    await page.click('#next-finding');
    const to = await until('the jump', async () => {
      const i = await page.evaluate(() => window.glassboxReview.index());
      return i !== from ? i : null;
    }, 10000);
    await settled();
    const text = await page.locator('#finding').textContent();
    const sop = await page.evaluate(() => window.glassboxReview.peak()?.sopInstanceUid);
    assert(text.includes('Finding present'), `finding panel says "${text}" on image ${to + 1}`);
    assert(truth.instances.find((i) => i.sopInstanceUid === sop)?.lesion, `image ${to + 1} has no inserted lesion`);
  });

  await check('window presets and a window/level drag change both viewports', async () => {
    await settled();
    const before = [await originalView.screenshot(), await heatmapView.screenshot()];
    await page.click('#preset-bone');
    await settled();
    const bone = [await originalView.screenshot(), await heatmapView.screenshot()];
    await shot('preset-bone');
    const box = await originalView.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 60, { steps: 8 });
    await page.mouse.up();
    await settled();
    const dragged = [await originalView.screenshot(), await heatmapView.screenshot()];
    const differing = await pixels((images) => {
      const diff = (a, b) => {
        let n = 0;
        for (let i = 0; i < a.data.length; i += 4) n += a.data[i] !== b.data[i] ? 1 : 0;
        return n;
      };
      const [o0, h0, o1, h1, o2, h2] = images;
      return [diff(o0, o1), diff(h0, h1), diff(o1, o2), diff(h1, h2)];
    }, ...before, ...bone, ...dragged);
    assert(differing.every((n) => n > 1000), `pixels changed (preset original, heatmap; drag original, heatmap): ${differing}`);
    await page.click('#reset');
  });

  await check('the single overlay view shows the heatmap viewport alone, wider', async () => {
    const narrow = (await heatmapView.boundingBox()).width;
    await page.click('#layout');
    await until('the layout to change', async () => !(await originalView.isVisible()) && (await heatmapView.boundingBox()).width > narrow * 1.5, 10000);
    await settled();
    await shot('overlay-mode');
    await page.click('#layout');
    await until('side by side again', () => originalView.isVisible(), 10000);
  });

  await check('scrolling the series with the overlay (frames per second)', async () => {
    const rate = await page.evaluate(async () => {
      const r = window.glassboxReview;
      const pass = async () => {
        const t0 = performance.now();
        for (let i = 0; i < r.imageCount; i++) await r.show(i);
        return (r.imageCount * 1000) / (performance.now() - t0);
      };
      await pass(); // every image and map loaded once
      return { count: r.imageCount, fps: await pass() };
    });
    numbers.push(`scroll through ${rate.count} images with the overlay drawn: ${rate.fps.toFixed(1)} frames per second`);
    assert(rate.fps > 0, 'no frame drawn');
  });

  await check('feedback is stored, shown again after a reload, and counted in the summary per model', async () => {
    await page.evaluate(() => window.glassboxReview.show(window.glassboxReview.index()));
    await page.fill('#feedback-comment', 'e2e: margin looks right');
    await page.click('#feedback-disagree');
    await until('the verdict to be saved', async () => (await page.locator('#feedback-status').textContent()).includes('disagree'), 15000);
    const index = await page.evaluate(() => window.glassboxReview.index());
    await page.reload();
    await until('the review to load again', () => page.evaluate(() => window.glassboxReview?.firstHeatmapAt), 30000);
    await page.evaluate((i) => window.glassboxReview.show(i), index);
    await until('the stored verdict', async () => (await page.locator('#feedback-status').textContent()).includes('disagree'), 15000);
    assert((await page.inputValue('#feedback-comment')) === 'e2e: margin looks right', 'the comment did not come back');
    assert(await page.locator('#feedback-disagree.chosen').count() === 1, 'the chosen verdict is not marked');
    await shot('feedback');
    await page.goto(`${base}/#/feedback`);
    const row = await until('the summary row', async () => page.locator('#feedback-summary tbody tr').first().textContent(), 15000);
    assert(row.includes('glassbox.ct-hyperdense-lesion') && row.includes('0 %'), `the summary says "${row}"`);
  });

  await check('an unknown study and a stopped server give messages, not a blank page', async () => {
    await page.goto(`${base}/#/study/1.2.3.4.5`);
    const unknown = await until('the unknown-study message', async () => page.locator('.error').first().textContent(), 15000);
    assert(/no study/i.test(unknown), `the page says "${unknown}"`);
    await shot('error-unknown-study');
    server.kill('SIGTERM');
    await until('the server to stop', async () => serverExited, 60000);
    await page.evaluate(() => (location.hash = '#/?patient=x'));
    const down = await until('the server-down message', async () => page.locator('.error').first().textContent(), 15000);
    assert(/cannot be reached/i.test(down), `the page says "${down}"`);
    await shot('error-server-down');
  });

  await check('no uncaught error in the page', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} catch (e) {
  results.push({ name: 'set-up', ok: false });
  log(`FAIL set-up: ${e instanceof Error ? e.message : e}`);
} finally {
  await browser?.close().catch(() => {});
  if (userData) rmSync(userData, { recursive: true, force: true });
  if (!serverExited) {
    server.kill('SIGTERM');
    await until('the server to stop', async () => serverExited, 60000).catch(() => server.kill('SIGKILL'));
  }
  rmSync(work, { recursive: true, force: true });
}

for (const n of numbers) log(n);
log(`screenshots and the server's log: ${artifacts}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
