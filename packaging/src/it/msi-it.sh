#!/usr/bin/env bash
# Builds the Windows MSI from packaging/src/windows (enginex-agent.wxs + harvest.sh) with Debian's wixl,
# over a placeholder app image laid out as jpackage makes it, and checks its tables with msiinfo:
# public properties and the hidden token, the fixed UpgradeCode, the service (virtual account, auto
# start, run --windows-service) and its control on install/uninstall, the custom actions (configure
# before start; deregister and remove-state only on removal, never on upgrade), registry and files.
# wixl ignores Secure= and HideTarget=, so those are checked in the source. The real MSI is built on
# Windows by .github/workflows/installers.yml from the same sources.
#   packaging/src/it/msi-it.sh [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$here/target/msi-it}
for tool in wixl msiinfo; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing; apt-get install wixl msitools" >&2; exit 1; }
done
rm -rf "$work" && mkdir -p "$work/image/app" "$work/image/runtime/bin" "$work/image/runtime/lib"
cd "$work"
printf 'placeholder launcher' > image/enginex-agent.exe
printf '[Application]\napp.mainjar=$APPDIR\\enginex-agent.jar\n' > image/app/enginex-agent.cfg
printf 'placeholder jar' > image/app/enginex-agent.jar
printf 'placeholder jar' > "image/app/jna 5.jar"
printf 'placeholder dll' > image/runtime/bin/java.dll
printf 'placeholder modules' > image/runtime/lib/modules

fail=0
table() { msiinfo export agent.msi "$1" | tr -d '\r'; } # msiinfo writes CRLF lines
check() { # $1 description, $2 table, $3 extended regex a row must match
  if table "$2" | grep -Eq -- "$3"; then
    echo "ok   $1"
  else
    echo "FAIL $1: no row in $2 matches: $3"; table "$2" | sed 's/^/     /'; fail=1
  fi
}
absent() { # $1 description, $2 table, $3 regex no row may match
  if table "$2" | grep -Eq -- "$3"; then
    echo "FAIL $1: a row in $2 matches $3"; fail=1
  else
    echo "ok   $1"
  fi
}

"$here/src/windows/harvest.sh" image > files.wxs
"$here/src/windows/harvest.sh" image | cmp -s - files.wxs || { echo "FAIL harvest.sh is not deterministic"; fail=1; }
wixl -a x64 -D Version=1.2.3 -D AppImage=image -o agent.msi "$here/src/windows/enginex-agent.wxs" files.wxs 2> wixl.log \
  || { cat wixl.log; echo "FAIL wixl could not build the MSI"; exit 1; }
T=$'\t'

check "fixed UpgradeCode" Property "^UpgradeCode${T}\{6f1d2c3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f\}$"
check "per-machine install" Property "^ALLUSERS${T}1$"
check "version from the build" Property "^ProductVersion${T}1\.2\.3$"
check "the token is hidden from the MSI log" Property "^MsiHiddenProperties${T}REGISTRATION_TOKEN$"
check "state is kept unless KEEP_STATE=0" Property "^KEEP_STATE${T}1$"
check "upgrades replace older versions" Upgrade "^\{6F1D2C3E-4A5B-4C6D-8E9F-0A1B2C3D4E5F\}${T}${T}1\.2\.3${T}${T}1${T}${T}WIX_UPGRADE_DETECTED$"
check "no silent downgrade" LaunchCondition "^NOT WIX_DOWNGRADE_DETECTED${T}"
check "the service: own process, auto start, virtual account, answers the SCM" ServiceInstall \
  "^AgentService${T}enginex-agent${T}EngineX Edge agent${T}16${T}2${T}1${T}${T}${T}NT SERVICE\\\\enginex-agent${T}${T}run --windows-service --config \"\[CommonAppDataFolder\]EngineX\\\\Agent\\\\agent\.conf\" --state-dir \"\[CommonAppDataFolder\]EngineX\\\\Agent\\\\state\" --ui-dir \"\[CommonAppDataFolder\]EngineX\\\\Agent\\\\ui\" --session-socket \"\[CommonAppDataFolder\]EngineX\\\\Agent\\\\run\\\\session\.sock\"${T}AgentLauncher${T}"
# 163 = start on install (1) + stop on install (2) + stop on uninstall (32) + delete on uninstall (128)
check "started on install, stopped and deleted on uninstall, waited for" ServiceControl "^AgentService${T}enginex-agent${T}163${T}${T}1${T}AgentLauncher$"
# 3090 = exe from an installed file (18) + deferred (1024) + as LocalSystem (2048); 3154 adds ignore-failure (64)
check "configure runs elevated with server, token and pin" CustomAction \
  "^ConfigureAgent${T}3090${T}AgentExe${T}service configure .*--server \"\[SERVER_URL\]\" --token \"\[REGISTRATION_TOKEN\]\" --pin \"\[SERVER_PIN\]\""
check "deregister on removal, failure ignored" CustomAction "^DeregisterAgent${T}3154${T}AgentExe${T}deregister --state-dir "
check "the session part's logon task removed on removal, failure ignored" CustomAction "^RemoveSessionTask${T}3154${T}AgentExe${T}service remove-session-task${T}"
check "the logon task removed only on removal, never on upgrade" InstallExecuteSequence \
  "^RemoveSessionTask${T}REMOVE~=\"ALL\" AND NOT UPGRADINGPRODUCTCODE${T}"
check "remove-state on removal, failure ignored" CustomAction "^RemoveAgentState${T}3154${T}AgentExe${T}service remove-state "
check "configure between InstallServices and StartServices" InstallExecuteSequence "^ConfigureAgent${T}NOT REMOVE~=\"ALL\"${T}5801$"
check "deregister only with DEREGISTER=1 and never on upgrade" InstallExecuteSequence \
  "^DeregisterAgent${T}REMOVE~=\"ALL\" AND DEREGISTER=\"1\" AND NOT UPGRADINGPRODUCTCODE${T}19[0-9][0-9]$"
check "state removed only with KEEP_STATE=0 and never on upgrade" InstallExecuteSequence \
  "^RemoveAgentState${T}REMOVE~=\"ALL\" AND KEEP_STATE=\"0\" AND NOT UPGRADINGPRODUCTCODE${T}19[0-9][0-9]$"
at() { table InstallExecuteSequence | awk -F'\t' -v a="$1" '$1 == a { print $3 }'; }
if [ "$(at InstallServices)" -lt "$(at ConfigureAgent)" ] && [ "$(at ConfigureAgent)" -lt "$(at StartServices)" ] \
  && [ "$(at StopServices)" -lt "$(at DeregisterAgent)" ] && [ "$(at DeregisterAgent)" -lt "$(at RemoveAgentState)" ] \
  && [ "$(at RemoveAgentState)" -lt "$(at RemoveFiles)" ]; then
  echo "ok   custom actions run while the service is stopped and the files are still there"
else
  echo "FAIL custom action order"; fail=1
fi
check "install dir in the registry" Registry "${T}2${T}SOFTWARE\\\\EngineX\\\\Agent${T}InstallDir${T}\[INSTALLDIR\]${T}AgentLauncher$"
check "the launcher under Program Files" Directory "^INSTALLDIR${T}ProgramFiles64Folder${T}enginex-agent$"
check "the launcher is the service's key file" File "^AgentExe${T}AgentLauncher${T}enginex-agent\.exe${T}"
check "harvested files with spaces in names" File "${T}jna 5\.jar${T}|${T}[^${T}]*\|jna 5\.jar${T}"
check "the runtime" File "${T}java\.dll${T}"
absent "the launcher is not harvested twice" File "^f[0-9a-f]{32}${T}[^${T}]*${T}enginex-agent\.exe${T}"
files=$(table File | tail -n +4 | wc -l)
[ "$files" -eq 6 ] && echo "ok   every file of the image is in the MSI ($files)" || { echo "FAIL expected 6 files, found $files"; fail=1; }

# What wixl does not carry into the tables (it warns and drops them), checked in the source.
wxs=$here/src/windows/enginex-agent.wxs
for p in SERVER_URL REGISTRATION_TOKEN SERVER_PIN DEREGISTER KEEP_STATE; do
  grep -Eq "<Property Id=\"$p\"[^>]* Secure=\"yes\"" "$wxs" && echo "ok   $p is Secure in the source" \
    || { echo "FAIL $p is not Secure=\"yes\" in $wxs"; fail=1; }
done
grep -Eq '<CustomAction Id="ConfigureAgent"[^>]* HideTarget="yes"' "$wxs" && echo "ok   ConfigureAgent hides its command line" \
  || { echo "FAIL ConfigureAgent lacks HideTarget=\"yes\""; fail=1; }

[ "$fail" -eq 0 ] || { echo "MSI check failed (MSI: $work/agent.msi)"; exit 1; }
echo "MSI check passed: $work/agent.msi ($(stat -c %s agent.msi) bytes)"
