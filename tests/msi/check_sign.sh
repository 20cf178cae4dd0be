#!/usr/bin/env bash
# tests/msi/check_sign.sh DIST — the Authenticode signing of `scripts/build --sign PFX`
# (msi/sign.sh, msi/build.sh), with a throwaway certificate made here by openssl:
#   - avswap.exe, avswapsvc.exe and the MSI built from them verify with `osslsigncode verify`,
#     and so do the exes inside the signed MSI (the package holds the signed files);
#   - an unsigned file, a signed file with one byte changed, and a wrong password fail;
#   - the password reaches osslsigncode as -readpass FILE, never on its command line.
# Works on copies: DIST (dist/) is not changed. Prints "ok - ..."/"not ok - ..." per check and
# exits 1 when any failed.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(cd "${1:-$repo/dist}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/avswap-signtest.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
failed=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; failed=1; }
verify() { osslsigncode verify -CAfile "$tmp/ca.pem" -in "$1" >"$tmp/verify.log" 2>&1; }

pass='correct horse battery staple'
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/ca.pem" -days 2 \
    -subj "/CN=AvSwap throwaway test signer" -addext "extendedKeyUsage=codeSigning" >/dev/null 2>&1 &&
    openssl pkcs12 -export -inkey "$tmp/key.pem" -in "$tmp/ca.pem" -out "$tmp/test.pfx" \
        -passout file:<(printf '%s' "$pass") ||
    { echo "not ok - openssl could not make the throwaway certificate"; exit 1; }

# A shim in front of osslsigncode records every command line it is given.
mkdir -p "$tmp/shim" "$tmp/files"
real=$(command -v osslsigncode)
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s/argv.log"\nexec "%s" "$@"\n' "$tmp" "$real" >"$tmp/shim/osslsigncode"
chmod +x "$tmp/shim/osslsigncode"
cp "$dist/avswap.exe" "$dist/avswapsvc.exe" "$dist/avswapmsg.dll" "$tmp/files/"

# As scripts/build --sign does it: the exes, then the MSI built from them, then the MSI.
version=$(sed -n 's/^project(avswap VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
if PATH=$tmp/shim:$PATH AVS_SIGN_PASS=$pass "$repo/msi/sign.sh" "$tmp/test.pfx" \
        "$tmp/files/avswap.exe" "$tmp/files/avswapsvc.exe" >/dev/null &&
   "$repo/msi/build.sh" "$version" "$tmp/files" "$tmp/avswap.msi" &&
   PATH=$tmp/shim:$PATH AVS_SIGN_PASS=$pass "$repo/msi/sign.sh" "$tmp/test.pfx" "$tmp/avswap.msi" >/dev/null; then
    ok "signed avswap.exe, avswapsvc.exe and the MSI (AVS_SIGN_PASS)"
else
    bad "signing with AVS_SIGN_PASS failed"
fi
for f in avswap.exe avswapsvc.exe; do
    if verify "$tmp/files/$f"; then ok "osslsigncode verify $f"; else bad "osslsigncode verify $f: $(tail -2 "$tmp/verify.log")"; fi
done
if verify "$tmp/avswap.msi"; then ok "osslsigncode verify the MSI"; else bad "osslsigncode verify the MSI: $(tail -2 "$tmp/verify.log")"; fi
if python3 "$repo/tests/msi/check_msi.py" "$tmp/avswap.msi" >"$tmp/tables.log"; then
    ok "the signed MSI's tables still pass check_msi.py"
else
    bad "the signed MSI's tables: $(cat "$tmp/tables.log")"
fi
mkdir -p "$tmp/x"
(cd "$tmp/x" && msiextract ../avswap.msi >/dev/null)
for f in avswap.exe avswapsvc.exe; do
    if verify "$tmp/x/AvSwap/$f" && cmp -s "$tmp/x/AvSwap/$f" "$tmp/files/$f"; then
        ok "the MSI holds the signed $f"
    else
        bad "the MSI's $f is not the signed one"
    fi
done
if grep -qF "$pass" "$tmp/argv.log" || ! grep -q -- '-readpass' "$tmp/argv.log"; then
    bad "the password was on osslsigncode's command line: $(cat "$tmp/argv.log")"
else
    ok "osslsigncode got -readpass FILE, never the password"
fi

# What must fail.
if verify "$dist/avswap.exe"; then bad "an unsigned avswap.exe verifies"; else ok "an unsigned avswap.exe fails to verify"; fi
for f in files/avswap.exe avswap.msi; do
    cp "$tmp/$f" "$tmp/tampered"
    size=$(stat -c %s "$tmp/tampered")
    # One byte in the middle of the signed content (not the signature): flip its low bit.
    off=$((size / 3))
    byte=$(od -An -tu1 -j "$off" -N1 "$tmp/tampered" | tr -d ' ')
    printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of="$tmp/tampered" bs=1 seek="$off" conv=notrunc status=none
    if verify "$tmp/tampered"; then bad "$f verifies after one byte changed"; else ok "$f with one byte changed fails to verify"; fi
done
printf 'wrong password' >"$tmp/wrong"
cp "$dist/avswap.exe" "$tmp/w.exe"
if AVS_SIGN_PASS_FILE=$tmp/wrong "$repo/msi/sign.sh" "$tmp/test.pfx" "$tmp/w.exe" >/dev/null 2>&1; then
    bad "a wrong password (AVS_SIGN_PASS_FILE) signed"
else
    ok "a wrong password (AVS_SIGN_PASS_FILE) does not sign"
fi
printf '%s' "$pass" >"$tmp/right"
if AVS_SIGN_PASS_FILE=$tmp/right "$repo/msi/sign.sh" "$tmp/test.pfx" "$tmp/w.exe" >/dev/null && verify "$tmp/w.exe"; then
    ok "the password from AVS_SIGN_PASS_FILE signs"
else
    bad "signing with AVS_SIGN_PASS_FILE failed"
fi
exit $failed
