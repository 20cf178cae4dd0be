#!/usr/bin/env bash
# msi/sign.sh PFX FILE... — Authenticode-signs each FILE in place with osslsigncode (SHA-256),
# for `scripts/build --sign PFX`.
#
# The PFX password never appears on a command line (another user sees every process's
# arguments): it comes from the file named by AVS_SIGN_PASS_FILE, or from AVS_SIGN_PASS, which
# is written to a file only this user can read and handed to osslsigncode as -readpass FILE.
# No password at all: the PFX has none. AVS_SIGN_TIMESTAMP=URL adds an RFC 3161 time stamp
# (off by default: it needs the network, and a build must not depend on a third party).
set -euo pipefail
pfx=${1:?usage: msi/sign.sh PFX FILE...}
shift
[[ -f $pfx ]] || { echo "msi/sign.sh: no such PFX: $pfx" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/avswap-sign.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
chmod 700 "$tmp"
pass=()
if [[ -n ${AVS_SIGN_PASS_FILE:-} ]]; then
    [[ -r $AVS_SIGN_PASS_FILE ]] || { echo "msi/sign.sh: cannot read AVS_SIGN_PASS_FILE" >&2; exit 2; }
    pass=(-readpass "$AVS_SIGN_PASS_FILE")
elif [[ -n ${AVS_SIGN_PASS+set} ]]; then
    (umask 077 && printf '%s' "$AVS_SIGN_PASS" >"$tmp/pass")
    pass=(-readpass "$tmp/pass")
fi
ts=()
[[ -n ${AVS_SIGN_TIMESTAMP:-} ]] && ts=(-ts "$AVS_SIGN_TIMESTAMP")

for f in "$@"; do
    osslsigncode sign -pkcs12 "$pfx" "${pass[@]}" -h sha256 -n AvSwap "${ts[@]}" \
        -in "$f" -out "$tmp/signed" >"$tmp/log" 2>&1 ||
        { cat "$tmp/log" >&2; echo "msi/sign.sh: signing $f failed" >&2; exit 1; }
    mv -f -- "$tmp/signed" "$f"
    echo "Signed $f"
done
