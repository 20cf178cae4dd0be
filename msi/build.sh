#!/usr/bin/env bash
# msi/build.sh VERSION FILES_DIR OUT.msi — builds AvSwap's MSI from msi/avswap.wxs with wixl,
# then msi/postbuild.sh (tables wixl cannot write). FILES_DIR holds avswap.exe, avswapsvc.exe and
# avswapmsg.dll as they ship (signed already, for a signed package). scripts/build calls it with
# CMake's project version; the upgrade test calls it again with a lower one.
set -euo pipefail
version=${1:?usage: msi/build.sh VERSION FILES_DIR OUT.msi}
files=${2:?usage: msi/build.sh VERSION FILES_DIR OUT.msi}
out=${3:?usage: msi/build.sh VERSION FILES_DIR OUT.msi}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

# Windows Installer compares the first three fields only, each at most 255.255.65535.
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "msi/build.sh: bad version '$version'" >&2; exit 2; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/avswap-msi.XXXXXX")
trap 'rm -rf -- "$stage"' EXIT
for f in avswap.exe avswapsvc.exe avswapmsg.dll; do
    [[ -f $files/$f ]] || { echo "msi/build.sh: no $f in $files" >&2; exit 1; }
    cp -- "$files/$f" "$stage/"
done
cp -- "$here/avswap.wxs" "$stage/"
# The event log's rows, from the header win32/eventlog.c uses (msi/evlog_sql.c).
cc -std=c11 -Wall -Wextra -Werror -I"$repo/win32" -o "$stage/evlog_sql" "$here/evlog_sql.c"
"$stage/evlog_sql" >"$stage/evlog.sql"
# wixl wants relative Source paths: build from inside the staging dir.
(cd "$stage" && wixl -a x64 -D Version="$version" -o avswap.msi avswap.wxs)
"$here/postbuild.sh" "$stage/avswap.msi" "$stage/evlog.sql"
mv -- "$stage/avswap.msi" "$out"
