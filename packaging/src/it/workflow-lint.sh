#!/usr/bin/env bash
# Parses .github/workflows/installers.yml (it cannot run here: it needs Windows and macOS runners) and
# checks what it must do: per OS, build, silent install with a token against a hub in the same job, the
# service and the agent online, the status page's link, a dispatched job, uninstall leaving nothing; on
# macOS the user session part (LaunchAgent, socket, refused then connected); on both, the session part's
# desktop actions through the hub (app.list, desktop.notify); signing only with secrets, and
# a warning in the log when they are missing;
# and that every repository file it uses exists.
#   packaging/src/it/workflow-lint.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
python3 -c 'import yaml' 2>/dev/null || { echo "error: python3-yaml is missing; apt-get install python3-yaml" >&2; exit 1; }
python3 - "$repo" <<'PY'
import os, re, sys, yaml
repo = sys.argv[1]
path = os.path.join(repo, ".github/workflows/installers.yml")
with open(path) as f:
    text = f.read()
if "\t" in text:
    sys.exit(f"FAIL {path}: tabs are not allowed in YAML")
doc = yaml.safe_load(text)
failures = []
def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)
triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
check(isinstance(triggers, dict) and "workflow_dispatch" in triggers, "can be started by hand")
jobs = doc["jobs"]
def script(job):
    return "\n".join(str(s.get("run", "")) + " " + str(s.get("uses", "")) for s in job["steps"])
for name, runner in (("windows-msi", "windows-latest"), ("macos-pkg", "macos-latest")):
    job = jobs.get(name)
    check(job is not None, f"job {name} exists")
    if job is None:
        continue
    check(job.get("runs-on") == runner, f"{name} runs on {runner}")
    for i, step in enumerate(job["steps"]):
        check(("run" in step) != ("uses" in step), f"{name} step {i + 1} ({step.get('name', step.get('uses'))}) has run or uses")
    body = script(job)
    check(re.search(r"engine\.jar'?,? ?'?serve", body) is not None and "127.0.0.1" in body, f"{name} starts a hub on loopback")
    check("tokens create" in body, f"{name} makes a registration token")
    check("agents list" in body and "connected" in body, f"{name} checks the agent is online in the hub's API")
    check("jobs run" in body, f"{name} dispatches a tool call")
    check("revokedAt" in body, f"{name} checks the hub after deregistration")
    for ref in sorted(set(re.findall(r"packaging/src/[\w./-]+", body))):
        check(os.path.exists(os.path.join(repo, ref)), f"{name} uses {ref}, which exists")
win = script(jobs["windows-msi"])
check(re.search(r"'/i'.*'/qn'", win) is not None and "SERVER_URL=" in win and "REGISTRATION_TOKEN=" in win, "msiexec /i /qn with SERVER_URL and REGISTRATION_TOKEN")
check(re.search(r"'/x'.*'/qn'.*'DEREGISTER=1', 'KEEP_STATE=0'", win) is not None, "msiexec /x /qn DEREGISTER=1 KEEP_STATE=0")
check("NT SERVICE\\enginex-agent" in win and "'Running'" in win and "'Auto'" in win, "the Windows service runs, auto start, virtual account")
check("WIN32_EXIT_CODE" in win, "a stop through the SCM ends with exit code 0")
check("Program Files\\enginex-agent" in win and "Get-Service enginex-agent" in win, "uninstall removes service and program files")
check("add-mask" in win and "the token is in the MSI log" in win, "the token is masked and not in the MSI log")
win_signing = [s for s in jobs["windows-msi"]["steps"] if "signtool sign" in str(s.get("run", ""))]
check(len(win_signing) == 2 and all(s.get("if") == "env.WINDOWS_CERTIFICATE_PFX != ''" for s in win_signing),
      "Authenticode signing of the executables and the MSI runs only with secrets")
check(all("/tr http" in str(s.get("run")) and "/fd SHA256" in str(s.get("run")) for s in win_signing),
      "Authenticode with SHA-256 and an RFC 3161 timestamp")
for job, secret in (("windows-msi", "WINDOWS_CERTIFICATE_PFX"), ("macos-pkg", "MACOS_CERTIFICATE_P12")):
    notice = [s for s in jobs[job]["steps"] if s.get("if") == f"env.{secret} == ''"]
    check(len(notice) == 1 and "::warning::" in str(notice[0].get("run")) and "NOT" in str(notice[0].get("run")),
          f"{job} says in its log when the signing secrets are missing")
mac = jobs["macos-pkg"]
macs = script(mac)
check("installer -pkg" in macs and "-target /" in macs, "installer -pkg … -target /")
check("Managed Preferences" in macs, "settings placed as MDM would")
check("launchctl print system/io.enginex.agent" in macs, "the LaunchDaemon runs")
check("uninstall.sh --deregister --remove-state" in macs, "uninstall with deregistration and state removal")
check("plutil -lint" in macs and "io.enginex.agent.session.plist" in macs, "the session LaunchAgent is installed and plutil-clean")
check("-S \"$sock\"" in macs and "run/session.sock" in macs, "the daemon's session socket exists")
check("session --once" in macs and "is not among the session users" in macs and "connected to the agent's service" in macs,
      "the runner's session part is refused, then connects once named in session-users")
check("[ ! -e /Library/LaunchAgents/io.enginex.agent.session.plist ]" in macs, "uninstall removes the session LaunchAgent")
for job, body in (("windows-msi", win), ("macos-pkg", macs)):
    check("ui --no-browser" in body and "127" in body, f"{job} checks the status page's link (ui --no-browser)")
for job, body in (("windows-msi", win), ("macos-pkg", macs)):
    check("--tool app.list" in body and "--tool desktop.notify" in body and "enginex-injected" in body,
          f"{job} calls app.list and desktop.notify through the session part, the notification's text unable to inject")
check('schtasks /Query /TN "EngineX Agent Session"' in win and "run\\session.sock" in win, "Windows: the logon task and the session socket exist")
check("is not among the session users" in win and "connected to the agent''s service" in win and "session-users = $env:USERNAME" in win,
      "Windows: the runner's session part is refused, then connects once named in session-users")
check("icacls $token" in win and "Everyone" in win and "(I" in win, "Windows: the runner's token file has no inherited entries and no Users")
check(win.count('schtasks /Query /TN "EngineX Agent Session"') >= 2 and "is still there" in win, "Windows: uninstall removes the logon task")
signing = [s for s in mac["steps"] if re.search(r"codesign|productsign|notarytool", str(s.get("run", "")))]
check(len(signing) == 2 and all(s.get("if") == "env.MACOS_CERTIFICATE_P12 != ''" for s in signing), "signing and notarization run only with secrets")
check(any("--options runtime" in str(s.get("run")) for s in signing), "codesign with the hardened runtime")
check(any("notarytool submit" in str(s.get("run")) and "stapler staple" in str(s.get("run")) for s in signing), "notarize and staple")
if failures:
    sys.exit(f"{len(failures)} workflow check(s) failed")
print("workflow check passed")
PY
