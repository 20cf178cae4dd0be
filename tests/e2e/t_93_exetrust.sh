# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# Attack 2 (docs/SECURITY.md) "run a program of the user's choice, elevated", staged on one remediable
# endpoint and checked in one `avswap remediate` run. Each uninstaller is tests/fixtures/src/
# fixtureuninst.c, which writes "run <its command line>" to runs.log next to itself, so a missing
# runs.log proves it never ran and its line shows exactly which arguments it got. Signatures are
# made now by throwaway certificates (avs_fx_sign; Wine's WinVerifyTrust does not check the root,
# so what these tests show is the signer-name rule and the verdicts 0x800B0100 / 0x80096010).
#
#   (i)   HKCU entry (a standard user's own hive) -> user-created C:\ProgramData\Package Cache\...
#         exe, even vendor-signed: never runs (3020, per-user)
#   (ii)  HKLM entry -> vendor-signed program under Program Files with the attacker's arguments:
#         runs with the catalog's quiet-args only
#   (iii) signed O=AO Kaspersky Lab (Kaspersky Free) and by the older O=Kaspersky Lab ZAO: run
#         with the catalog's quiet-args and are removed; unsigned, wrong signer (Contoso) and
#         modified after signing: refused (3020), never run, left in place
#   (iv)  HKLM entry -> vendor-signed exe in a Package Cache folder a user created: refused

XT_PC='C:\ProgramData\Package Cache'

# One build of the fixture (its Uninstall key is read from key.txt next to it), signed per signer.
_xt_fixtures() {
    local d=$AVS_WORK/exetrust
    if [[ ! -f $d/.made ]]; then
        mkdir -p "$d"
        x86_64-w64-mingw32-gcc -O2 -municode -static -o "$d/plain.exe" \
            "$AVS_REPO/tests/fixtures/src/fixtureuninst.c" -ladvapi32 >&2 || fail "cannot build the fixture"
        avs_fx_sign "$d/plain.exe" "$d/kaspersky.exe" kaspersky
        avs_fx_sign "$d/plain.exe" "$d/zao.exe" kaspersky-zao
        avs_fx_sign "$d/plain.exe" "$d/contoso.exe" contoso
        # Modified after signing: one byte of the code, far from the signature at the end.
        cp "$d/kaspersky.exe" "$d/modified.exe"
        printf '\x90' | dd of="$d/modified.exe" bs=1 seek=$((0x600)) conv=notrunc status=none
        cmp -s "$d/kaspersky.exe" "$d/modified.exe" && fail "the modified fixture is unchanged"
        touch "$d/.made"
    fi
    printf '%s\n' "$d"
}

# _xt_place PREFIX WINDIR FIXTURE KEY: puts fixture FIXTURE at WINDIR\uninst.exe with its key.
_xt_place() {
    local dir
    dir=$1/drive_c/${2#C:\\}
    dir=${dir//\\//}
    mkdir -p "$dir"
    cp "$(_xt_fixtures)/$3.exe" "$dir/uninst.exe"
    printf '%s' "$4" >"$dir/key.txt"
    rm -f -- "$dir/runs.log"
}

_xt_runs() {
    local f=$1/drive_c/${2#C:\\}
    f=${f//\\//}/runs.log
    if [[ -f $f ]]; then tr -d '\r' <"$f"; fi
}

# .reg text for one Uninstall entry: ROOT KEY NAME PROGRAM-DIR ARGS
_xt_entry() {
    local root=$1 key=$2 name=$3 dir=${4//\\/\\\\} args=${5//\\/\\\\}
    printf '[%s\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\%s]\n' "$root" "$key"
    printf '"DisplayName"="%s"\n"DisplayVersion"="1.0"\n"Publisher"="AO Kaspersky Lab"\n' "$name"
    printf '"UninstallString"="\\"%s\\\\uninst.exe\\""\n' "$dir"
    printf '"QuietUninstallString"="\\"%s\\\\uninst.exe\\" %s"\n\n' "$dir" "${args//\"/\\\"}"
}

t_exetrust_only_vendor_signed_machine_uninstallers_run() {
    local p r j kl='C:\Program Files\Kaspersky Lab' user pc_user pc_machine kfree
    p=$(e2e_prefix_copy remediable exetrust)
    e2e_session "$p"
    pc_user="$XT_PC\\{A5A5E7E1-0000-4000-8000-0000000000A1}"
    pc_machine="$XT_PC\\{A5A5E7E1-0000-4000-8000-0000000000B2}"
    # What a standard user can do: create the Package Cache folder and write their own hive.
    _xt_place "$p" "$pc_user" kaspersky AvsXtUser
    _xt_place "$p" "$pc_machine" kaspersky AvsXtCache
    _xt_place "$p" "$kl\\VPN" kaspersky AvsXtVpn
    _xt_place "$p" "$kl\\SafeKids" zao AvsXtKsk
    _xt_place "$p" "$kl\\KTS" plain AvsXtKts
    _xt_place "$p" "$kl\\KIS" contoso AvsXtKis
    _xt_place "$p" "$kl\\KAV" modified AvsXtKav
    {
        printf 'Windows Registry Editor Version 5.00\n\n'
        _xt_entry HKEY_CURRENT_USER AvsXtUser "Kaspersky Password Manager" "$pc_user" "/s"
        _xt_entry HKEY_LOCAL_MACHINE AvsXtCache "Kaspersky Security Cloud" "$pc_machine" "/s"
        _xt_entry HKEY_LOCAL_MACHINE AvsXtVpn "Kaspersky VPN Secure Connection" "$kl\\VPN" \
            '--start "C:\Users\Public\evil.exe" /s'
        _xt_entry HKEY_LOCAL_MACHINE AvsXtKsk "Kaspersky Safe Kids" "$kl\\SafeKids" "/verysilent"
        _xt_entry HKEY_LOCAL_MACHINE AvsXtKts "Kaspersky Total Security" "$kl\\KTS" "/s"
        _xt_entry HKEY_LOCAL_MACHINE AvsXtKis "Kaspersky Internet Security" "$kl\\KIS" "/s"
        _xt_entry HKEY_LOCAL_MACHINE AvsXtKav "Kaspersky Anti-Virus" "$kl\\KAV" "/s"
    } | _avs_reg_import "$p" "$AVS_WORK/exetrust.reg"

    r=$E2E_RES/exetrust
    e2e_avswap "$r" "$p" remediate --json
    j=$r.out

    # Nothing refused ran: no runs.log where they are.
    local d
    for d in "$pc_user" "$pc_machine" "$kl\\KTS" "$kl\\KIS" "$kl\\KAV"; do
        [[ -z $(_xt_runs "$p" "$d") ]] || fail "the uninstaller in $d ran: $(_xt_runs "$p" "$d")"
    done
    # What ran got the catalog's quiet-args (/s), never the registry's arguments.
    eq "$(_xt_runs "$p" "$kl\\VPN")" "run \"$kl\\VPN\\uninst.exe\" /s" "(ii) vendor-signed program's command line"
    eq "$(_xt_runs "$p" "$kl\\SafeKids")" "run \"$kl\\SafeKids\\uninst.exe\" /s" "(iii) older signer's command line"
    kfree='C:\Program Files (x86)\Kaspersky Lab\Kaspersky Free 21.3'
    eq "$(_xt_runs "$p" "$kfree")" "run \"$kfree\\avpuninst.exe\" /s" "(iii) Kaspersky Free's command line"

    expect_code "$r" 1603
    jqe "failed at remove; the vendor-signed machine-wide ones removed: $(jq -c '{outcome, step, removed: [.removed[].name], remaining}' "$j")" \
        "$j" '.outcome == "failed" and .step == "remove"
            and ([.removed[].name] | index("Kaspersky Free") and index("Kaspersky VPN Secure Connection")
                 and index("Kaspersky Safe Kids"))
            and (.remaining | sort) == (["Kaspersky Anti-Virus", "Kaspersky Internet Security",
                 "Kaspersky Password Manager", "Kaspersky Security Cloud", "Kaspersky Total Security"])
            and .replacement.running == true'
    # One 3020 per refusal, naming product, key, program and why.
    _xt_refused() {
        jqe "3020 for $1 ($3): $(jq -c --arg n "$1" '[.[] | select(.strings[1] == $n) | [.id, .strings[2:5]]]' "$r.eventsa")" \
            "$r.eventsa" 'any(.[]; .id == 3020 and .strings[1] == $n and (.strings[2] | test($k))
                and (.strings[3] | endswith("\\uninst.exe")) and (.strings[4] | contains($why)))' \
            --arg n "$1" --arg k "$2" --arg why "$3"
    }
    _xt_refused "Kaspersky Password Manager" '^HKU\\S-1-5-21-.*\\AvsXtUser$' "per-user"
    _xt_refused "Kaspersky Total Security" 'AvsXtKts$' "not Authenticode-signed (WinVerifyTrust 0x800B0100)"
    _xt_refused "Kaspersky Internet Security" 'AvsXtKis$' "O=Contoso Ltd, C=US"
    _xt_refused "Kaspersky Anti-Virus" 'AvsXtKav$' "changed after it was signed (WinVerifyTrust 0x80096010)"
    _xt_refused "Kaspersky Security Cloud" 'AvsXtCache$' "where a non-administrator can write"
    jqe "no removal started for a refused product: $(jq -c '[.[] | select(.id == 4000) | .strings[1]]' "$r.eventsa")" \
        "$r.eventsa" 'all(.[]; .id != 4000 or (.strings[1] | IN("Kaspersky Password Manager",
            "Kaspersky Total Security", "Kaspersky Internet Security", "Kaspersky Anti-Virus",
            "Kaspersky Security Cloud") | not))'
    avs_wine_stop "$p"
}
e2e_test exetrust-only-vendor-signed-machine-uninstallers-run t_exetrust_only_vendor_signed_machine_uninstallers_run
