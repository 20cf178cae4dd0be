# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# Identity comes from the authority (docs/SECURITY.md, attacks 1 and 6), staged as a standard user would:
#   - a per-user (HKCU) Uninstall entry named with the approved product's MSI product code and a
#     Kaspersky DisplayName must not make `remediate` remove the approved product;
#   - a per-user entry with nothing behind it is a note (event 2021), not non-compliance;
#   - a Kaspersky product whose Publisher is "AvSwap" is still found (AvSwap knows itself by its
#     MSI's UpgradeCode, not by a name);
#   - a driver key added under HKLM\SYSTEM\CurrentControlSet\Services since the last boot (the
#     SCM does not list it yet) is still found.
# One prefix for the file: the clean template with the approved product "Contoso Antivirus"
# installed (contoso-av.msi, per-machine) and two entries in the user's own hive.

E2E_ID_CONTOSO_CODE='{C0A7050A-5E1F-4C3B-9D2E-00000000A501}'
E2E_ID_UNINST='Software\Microsoft\Windows\CurrentVersion\Uninstall'

_id_prefix() {
    local dest=$AVS_WORK/pfx-identity
    if [[ ! -f $dest/.avs-ready ]]; then
        rm -rf -- "$dest.tmp"
        cp -a -- "$(avs_template)" "$dest.tmp"
        # Contoso's service binary is the fixture service; its MSI brings it along.
        avs_fx_install "$dest.tmp" contoso-av.msi >&2
        [[ $(wxs_product_code contoso-av.wxs) == "$E2E_ID_CONTOSO_CODE" ]] ||
            avs_die "contoso-av.wxs no longer declares $E2E_ID_CONTOSO_CODE"
        # What a standard user can write: keys in their own hive (HKCU = HKU\<SID>).
        _avs_reg_import "$dest.tmp" "$AVS_WORK/identity-user.reg" <<EOF
Windows Registry Editor Version 5.00

[HKEY_CURRENT_USER\\$E2E_ID_UNINST\\$E2E_ID_CONTOSO_CODE]
"DisplayName"="Kaspersky Anti-Virus"
"DisplayVersion"="21.3.10.391"
"Publisher"="AO Kaspersky Lab"
"WindowsInstaller"=dword:00000001
"UninstallString"="MsiExec.exe /X$E2E_ID_CONTOSO_CODE"

[HKEY_CURRENT_USER\\$E2E_ID_UNINST\\IdentityGhostKTS]
"DisplayName"="Kaspersky Total Security"
"DisplayVersion"="21.3.10.391"
"Publisher"="AO Kaspersky Lab"
"UninstallString"="\\"C:\\\\users\\\\Public\\\\IdentityGhost\\\\avpuninst.exe\\" /x"
EOF
        avs_user_sid "$dest.tmp" >"$dest.tmp/.identity-sid"
        avs_wine_stop "$dest.tmp"
        touch "$dest.tmp/.avs-ready"
        mv -T -- "$dest.tmp" "$dest"
    fi
    printf '%s\n' "$dest"
}

_id_user_key() { printf 'HKU\\%s\\%s\\%s\n' "$(<"$1/.identity-sid")" "$E2E_ID_UNINST" "$2"; }

_id_contoso_installed() {
    AVS_WINEDEBUG=-all avs_wine "$1" reg query \
        "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$E2E_ID_CONTOSO_CODE" \
        /v DisplayName >/dev/null 2>&1
}

t_identity_empty_user_entry_is_a_note() {
    local p r key
    p=$(_id_prefix)
    r=$E2E_RES/identity-notes
    e2e_avswap "$r" "$p" scan --json
    key=$(_id_user_key "$p" IdentityGhostKTS)
    jqe "the per-user entry with nothing behind it is not a finding: $(jq -c '[.findings[].name]' "$r.out")" \
        "$r.out" '.findings == [] and .compliant == true'
    expect_code "$r" 0
    jqe "a note names the entry and says nothing is behind it: $(jq -c .notes "$r.out")" "$r.out" \
        'any(.notes[]; .key == $k and .value == "Kaspersky Total Security"
                and (.problem | test("nothing is installed behind")))' --arg k "$key"
    jqe "event 2021 names the key and the entry: $(jq -c '[.[] | select(.id >= 2020 and .id < 2030)]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 2021 and .strings[0] == $k and .strings[1] == "Kaspersky Total Security")' \
        --arg k "$key"
    jqe "the verdict is 2090 (compliant)" "$r.eventsa" 'any(.[]; .id == 2090) and all(.[]; .id != 2091)'
}
e2e_test identity-empty-user-entry-is-a-note t_identity_empty_user_entry_is_a_note

# The found-scan: the shared prefix plus a Kaspersky product published as "AvSwap" (HKLM) and a
# driver key written with `reg add` while the SCM runs, scanned in the same session (no boot in
# between), then both removed again. Cached: two tests read it.
_id_found_scan() {
    local p base=$E2E_RES/identity-found
    if [[ ! -f $base.code ]]; then
        p=$(_id_prefix)
        e2e_session "$p"
        # The SCM is up (it read the Services key when it started) before the driver key exists.
        [[ $(avs_fx_service_state "$p" klbackupflt) == absent ]] || fail "klbackupflt exists already"
        _avs_reg_import "$p" "$AVS_WORK/identity-found.reg" <<'EOF'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\klbackupflt]
"Type"=dword:00000001
"Start"=dword:00000003
"ErrorControl"=dword:00000001
"ImagePath"="system32\\drivers\\klbackupflt.sys"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\IdentityAvSwapPublished]
"DisplayName"="Kaspersky Safe Kids"
"DisplayVersion"="1.0.5"
"Publisher"="AvSwap"
EOF
        [[ $(avs_fx_service_state "$p" klbackupflt) == absent ]] ||
            fail "precondition: the SCM lists klbackupflt (it must not before a boot)"
        e2e_avswap "$base.tmp" "$p" scan --json
        _avs_reg_import "$p" "$AVS_WORK/identity-unfound.reg" <<'EOF'
Windows Registry Editor Version 5.00

[-HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\klbackupflt]

[-HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\IdentityAvSwapPublished]
EOF
        avs_wine_stop "$p"
        for ext in out err stderr events eventsa code; do mv -f -- "$base.tmp.$ext" "$base.$ext"; done
    fi
    printf '%s\n' "$base"
}

t_identity_avswap_publisher_is_found() {
    local r
    r=$(_id_found_scan)
    jqe "a Kaspersky product published as AvSwap is a finding: $(jq -c '[.findings[] | {name, publisher}]' "$r.out")" \
        "$r.out" 'any(.findings[]; .name == "Kaspersky Safe Kids" and .publisher == "AvSwap")'
    expect_code "$r" 10
}
e2e_test identity-avswap-publisher-is-found t_identity_avswap_publisher_is_found

t_identity_unloaded_driver_is_found() {
    local r
    r=$(_id_found_scan)
    jqe "a driver registered since the last boot is found: $(jq -c '[.findings[] | {name, signals}]' "$r.out")" \
        "$r.out" 'any(.findings[]; .signals | index("driver:klbackupflt"))'
    jqe "2010 carries the driver signal" "$r.eventsa" \
        'any(.[]; .id == 2010 and (.strings[7] | test("driver:klbackupflt")))'
}
e2e_test identity-unloaded-driver-is-found t_identity_unloaded_driver_is_found

t_identity_user_entry_cannot_remove_approved() {
    local p r fx sha key
    p=$(_id_prefix)
    fx=$(avs_remediation_fixtures_build)
    sha=$(sha256sum "$fx/contoso-av.msi" | cut -d' ' -f1)
    e2e_session "$p"
    r=$E2E_RES/identity-remediate
    # Install-first with Contoso as the replacement: the attack's best case (docs/SECURITY.md, attack 1).
    e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$fx/contoso-av.msi")" --sha256 "$sha" \
        --catalog "$(avs_winpath "$AVS_REPO/tests/fixtures/catalog-approved-contoso-coexist.txt")" --json
    key=$(_id_user_key "$p" "$E2E_ID_CONTOSO_CODE")
    _id_contoso_installed "$p" || fail "the approved product Contoso Antivirus was uninstalled: $(jq -c '{outcome, removed}' "$r.out")"
    jqe "nothing was removed: $(jq -c '{outcome, removed}' "$r.out")" "$r.out" '.removed == []'
    jqe "no removal started (4000): $(jq -c '[.[].id]' "$r.eventsa")" "$r.eventsa" 'all(.[]; .id != 4000)'
    expect_code "$r" 0
    jqe "event 2020 names the per-user entry and why: $(jq -c '[.[] | select(.id == 2020) | .strings]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 2020 and .strings[0] == $k and .strings[1] == "Kaspersky Anti-Virus"
            and (.strings[2] | test("per-user entry designates only")))' --arg k "$key"
    avs_wine_stop "$p"
}
e2e_test identity-user-entry-cannot-remove-approved t_identity_user_entry_cannot_remove_approved
