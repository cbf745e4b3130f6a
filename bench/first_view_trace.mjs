// One cold first view of a page in headless Chromium, traced (bench/bench_first_view.py runs this).
//   node bench/first_view_trace.mjs URL TRACE_OUT.json WIDTH HEIGHT [CPU_SLOWDOWN]
// puppeteer-core is the copy Lighthouse brings (NODE_PATH, set by the Python script). Prints one JSON
// line: the page's requests (Resource Timing), DOM elements, first paint; the trace goes to TRACE_OUT.
import { createRequire } from "module";

const require = createRequire(process.env.NODE_PATH.split(":")[0] + "/");
const puppeteer = require("puppeteer-core");

const [url, traceOut, width, height, slowdown = "1"] = process.argv.slice(2);
const CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute",
                    "toplevel", "blink.user_timing", "loading", "disabled-by-default-devtools.timeline.frame"];

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"],
});
try {
  const context = await browser.createBrowserContext();  // nothing cached
  const page = await context.newPage();
  await page.setViewport({ width: +width, height: +height, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  if (+slowdown > 1) {  // a real slowdown of the page's CPU (DevTools' own), not Lighthouse's simulation
    const cdp = await page.createCDPSession();
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: +slowdown });
  }
  // the browser's own long tasks (over 50 ms of wall time), as a page could observe them
  await page.evaluateOnNewDocument(() => {
    window.__psadLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { window.__psadLongTasks.push([e.startTime, e.duration]); }
    }).observe({ type: "longtask", buffered: true });
  });
  await page.tracing.start({ path: traceOut, categories: CATEGORIES });
  await page.goto(url, { waitUntil: "load", timeout: 90000 });
  // settled: no new request and no pending callback for 2 s
  let seen = -1, since = Date.now();
  const end = Date.now() + 90000;
  while (Date.now() < end) {
    const [n, loading] = await page.evaluate(() => [
      performance.getEntriesByType("resource").length,
      document.querySelectorAll('[data-dash-is-loading="true"]').length]);
    if (n !== seen || loading) { seen = n; since = Date.now(); }
    else if (Date.now() - since >= 2000) { break; }
    await new Promise((r) => setTimeout(r, 200));
  }
  await page.tracing.stop();
  const facts = await page.evaluate(() => {
    const fcp = performance.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint");
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
      .map((e) => ({ name: e.name, type: e.initiatorType, transfer: e.transferSize || 0, decoded: e.decodedBodySize || 0 }));
    return { entries, dom: document.getElementsByTagName("*").length, fcp_ms: fcp ? fcp.startTime : null,
             time_origin: performance.timeOrigin, long_tasks: window.__psadLongTasks || [] };
  });
  console.log(JSON.stringify(facts));
} finally {
  await browser.close();
}
