// The e2e tests' TUF client: tuf-js, no code of ours between it and the hub. Usage:
//   node client.mjs <hub-url>/updates <trusted-root.json> <work-dir> <target-name>…
// Starts from the trusted root (copied into <work-dir>/metadata on the first run; later runs keep the
// metadata they trust, as a real client does), runs TUF's client workflow (refresh) and downloads each
// target, verified. Prints one JSON line: {"ok":true,"root":N,"targets":[{"name","path","length","custom"}]}
// or {"ok":false,"error":{"name","message"}} and exits 3. Trusts the hub's certificate through
// NODE_EXTRA_CA_CERTS.
import { Updater } from "tuf-js";
import fs from "node:fs";
import path from "node:path";

const [base, rootFile, work, ...names] = process.argv.slice(2);
const metadataDir = path.join(work, "metadata");
const targetDir = path.join(work, "targets");
fs.mkdirSync(metadataDir, { recursive: true });
fs.mkdirSync(targetDir, { recursive: true });
if (!fs.existsSync(path.join(metadataDir, "root.json"))) {
  fs.copyFileSync(rootFile, path.join(metadataDir, "root.json"));
}
try {
  const updater = new Updater({
    metadataBaseUrl: `${base}/metadata`,
    targetBaseUrl: `${base}/targets`,
    metadataDir,
    targetDir,
  });
  await updater.refresh();
  const targets = [];
  for (const name of names) {
    const info = await updater.getTargetInfo(name);
    if (!info) {
      throw Object.assign(new Error(`no target ${name}`), { name: "NoTarget" });
    }
    const file = path.join(targetDir, name.replaceAll("/", "_"));
    const saved = await updater.downloadTarget(info, file);
    targets.push({ name, path: saved, length: info.length, custom: info.custom });
  }
  const root = JSON.parse(fs.readFileSync(path.join(metadataDir, "root.json"), "utf8"));
  console.log(JSON.stringify({ ok: true, root: root.signed.version, targets }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: { name: e.constructor?.name ?? e.name, message: String(e.message) } }));
  process.exit(3);
}
