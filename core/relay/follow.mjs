// Runs the relay page's own script the way a browser would, for tests that play the system
// browser with plain HTTP clients (curl, reqwest): they follow the network's redirect to the relay
// page, then call this with the page's address and HTML. The script runs unchanged with the only
// Web APIs it touches — URL and URLSearchParams (Node's own), window.location, and
// document.getElementById — and whatever it navigates to is printed (nothing when it refuses).
//
//   node core/relay/follow.mjs <page URL> <file with the page's HTML>
import { readFileSync } from "node:fs";
import vm from "node:vm";

const [pageUrl, htmlFile] = process.argv.slice(2);
if (!pageUrl || !htmlFile) {
  console.error("usage: node follow.mjs <page URL> <HTML file>");
  process.exit(2);
}
const html = readFileSync(htmlFile, "utf8");
const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (scripts.length !== 1) {
  console.error(`expected one inline script, found ${scripts.length}`);
  process.exit(2);
}
const page = new URL(pageUrl);
const texts = {};
let navigatedTo = null;
const window = {
  location: {
    href: page.href,
    search: page.search,
    replace(url) { navigatedTo = String(url); },
    assign(url) { navigatedTo = String(url); },
  },
};
const document = {
  getElementById(id) {
    return { set textContent(value) { texts[id] = value; }, get textContent() { return texts[id] ?? ""; } };
  },
};
vm.runInNewContext(scripts[0], { window, document, URL, URLSearchParams });
if (navigatedTo) {
  console.log(navigatedTo);
} else {
  console.error(`the relay page did not navigate: ${texts.title ?? ""} ${texts.message ?? ""}`.trim());
}
