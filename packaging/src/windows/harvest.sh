#!/usr/bin/env bash
# Writes a WiX 3 fragment (ComponentGroup AppFiles under INSTALLDIR) for every file of a jpackage app
# image except the launcher enginex-agent.exe, which enginex-agent.wxs names with its service. One
# component per file, with ids and GUIDs derived from the file's path, so they stay the same from one
# version to the next (Windows Installer's component rules) on any machine.
#   packaging/src/windows/harvest.sh APP_IMAGE_DIR > files.wxs
# Sources are written as $(var.AppImage)/relative/path. Used on Windows (Git Bash) and here alike.
set -euo pipefail
image=${1:?usage: harvest.sh APP_IMAGE_DIR}
[ -d "$image" ] || { echo "error: $image is not a folder; run jpackage --type app-image first" >&2; exit 1; }
hash() { printf '%s' "enginex-agent:$1" | md5sum | cut -c1-32; }
guid() { local h; h=$(hash "$1"); echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"; }
xml() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' <<<"$1"; }

echo '<?xml version="1.0" encoding="UTF-8"?>'
echo '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">'
echo '  <Fragment>'
echo '    <DirectoryRef Id="INSTALLDIR">'
components=()
emit_dir() { # $1 relative dir ("" for the root), $2 indent
  local rel=$1 indent=$2 entry name path
  while IFS= read -r entry; do
    name=${entry##*/}
    path=${rel:+$rel/}$name
    if [ -d "$image/$path" ]; then
      echo "$indent<Directory Id=\"d$(hash "$path")\" Name=\"$(xml "$name")\">"
      emit_dir "$path" "$indent  "
      echo "$indent</Directory>"
    elif [ "$path" != "enginex-agent.exe" ]; then
      echo "$indent<Component Id=\"c$(hash "$path")\" Guid=\"$(guid "$path")\">"
      echo "$indent  <File Id=\"f$(hash "$path")\" Name=\"$(xml "$name")\" Source=\"\$(var.AppImage)/$(xml "$path")\" KeyPath=\"yes\"/>"
      echo "$indent</Component>"
      components+=("c$(hash "$path")")
    fi
  done < <(find "$image/${rel:-.}" -mindepth 1 -maxdepth 1 | LC_ALL=C sort)
}
emit_dir "" "      "
echo '    </DirectoryRef>'
echo '  </Fragment>'
echo '  <Fragment>'
echo '    <ComponentGroup Id="AppFiles">'
for c in "${components[@]}"; do echo "      <ComponentRef Id=\"$c\"/>"; done
echo '    </ComponentGroup>'
echo '  </Fragment>'
echo '</Wix>'
