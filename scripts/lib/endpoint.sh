# scripts/lib/endpoint.sh — a Windows endpoint with (fake) prohibited software, for Wine.
#
# Source after scripts/lib/wine.sh. Provides:
#   avs_fixtures_build             builds tests/fixtures into $AVS_WORK/fixtures (MSIs with wixl,
#                                  the stand-in exes with MinGW); prints the directory
#   make_endpoint PREFIX           installs every fixture into PREFIX (a booted prefix) and stops it
#   make_remnant_endpoint PREFIX   only a Kaspersky driver and vendor key, no uninstall entry
#   avs_add_programs PREFIX N      N ordinary programs in HKLM\...\Uninstall (benchmark)
#   avs_user_sid PREFIX            the SID of the prefix's user (its hive under HKU)
#   make_remediable_endpoint, avs_remediation_fixtures_build, ...: see "remediation fixtures"
#                                  at the end of this file
#
# What make_endpoint installs (tests/e2e asserts on each; none of it is real vendor software):
#   kes.wxs       64-bit MSI "Kaspersky Endpoint Security for Windows" 12.3.0.493, AO Kaspersky Lab,
#                 service AVP21.3, HKLM\SOFTWARE\KasperskyLab\protected\KES\environment
#   klnagent.wxs  32-bit MSI "Kaspersky Security Center Network Agent" 14.0.0.10902, service klnagent
#   Kaspersky Free 21.3.10.391   EXE uninstaller, 32-bit Uninstall key "KasperskyFree"
#   Kaspersky Password Manager   per-user (HKCU = HKU\<SID>) EXE uninstaller
#   klif          file-system driver (Type 2) of the SCM, no uninstall entry of its own
#   WinDefend     the approved product's service (stopped)
#   decoys        K-Lite Codec Pack (KLCP), KLayout (non-ASCII publisher), AvSwap itself,
#                 Contoso Legacy Antivirus (prohibited only by tests/fixtures/catalog-contoso.txt)
#   malformed     DisplayName as REG_BINARY, REG_SZ without terminator, unpaired surrogate,
#                 empty DisplayName, and a valid name full of quotes, tabs and non-ASCII

AVS_FX_DIR=$AVS_REPO/tests/fixtures
# The exact DisplayName of the tricky entry: quotes, a tab, a backslash, Latin-1, CJK, a symbol.
AVS_FX_TRICKY_NAME=$'Kaspersky Anti-Virus "Pro"\tÉdition ünïcødé 日本 ✓ C:\\KAV'
AVS_FX_UNINST=SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall

avs_fixtures_build() { avs_locked fixtures _avs_fixtures_build; }

_avs_fixtures_build() {
    local out src
    [[ -n ${AVS_WORK:-} ]] || avs_die "avs_fixtures_build: call avs_workdir_init first"
    out=$AVS_WORK/fixtures
    if [[ -f $out/.built ]]; then
        printf '%s\n' "$out"
        return 0
    fi
    mkdir -p "$out"
    src=$AVS_FX_DIR/src
    local cc=(x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -municode -static)
    "${cc[@]}" -o "$out/fixturesvc.exe" "$src/fixturesvc.c" -ladvapi32 >&2 ||
        avs_die "cannot build fixturesvc.exe"
    "${cc[@]}" -DFIXTURE_UNINSTALL_KEY='L"KasperskyFree"' -DFIXTURE_UNINSTALL_32 \
        -o "$out/kfree-uninst.exe" "$src/fixtureuninst.c" -ladvapi32 >&2 ||
        avs_die "cannot build kfree-uninst.exe"
    "${cc[@]}" -DFIXTURE_UNINSTALL_KEY='L"KasperskyPasswordManager"' -DFIXTURE_UNINSTALL_USER \
        -o "$out/kpm-uninst.exe" "$src/fixtureuninst.c" -ladvapi32 >&2 ||
        avs_die "cannot build kpm-uninst.exe"
    "${cc[@]}" -DFIXTURE_UNINSTALL_KEY='L"ContosoLegacyAV"' \
        -o "$out/contoso-uninst.exe" "$src/fixtureuninst.c" -ladvapi32 >&2 ||
        avs_die "cannot build contoso-uninst.exe"
    # EXE uninstallers run only when signed by a catalog signer: the vendor's fixtures are signed
    # by a throwaway "AO Kaspersky Lab" certificate made now (Wine does not check the root).
    local f
    for f in kfree-uninst kpm-uninst; do
        avs_fx_sign "$out/$f.exe" "$out/$f.signed.exe" kaspersky && mv -f "$out/$f.signed.exe" "$out/$f.exe" ||
            avs_die "cannot sign $f.exe"
    done
    avs_fx_sign "$out/contoso-uninst.exe" "$out/contoso-uninst.signed.exe" contoso &&
        mv -f "$out/contoso-uninst.signed.exe" "$out/contoso-uninst.exe" || avs_die "cannot sign contoso-uninst.exe"
    # wixl wants relative Source paths: build from inside the output dir.
    cp "$AVS_FX_DIR/kes.wxs" "$AVS_FX_DIR/klnagent.wxs" "$out/"
    (cd "$out" && wixl -a x64 -o kes.msi kes.wxs && wixl -a x86 -o klnagent.msi klnagent.wxs) \
        >&2 || avs_die "wixl failed"
    touch "$out/.built"
    printf '%s\n' "$out"
}

# ---- throwaway code-signing certificates (made at test time, never committed) ----------------
#   avs_fx_certs            a test root CA and one code-signing certificate per signer below, in
#                           $AVS_WORK/certs (prints the directory)
#   avs_fx_sign IN OUT WHO  signs IN into OUT with osslsigncode as WHO:
#                           kaspersky  C=RU, L=Moscow, O=AO Kaspersky Lab   (a catalog signer)
#                           kaspersky-zao  C=RU, O=Kaspersky Lab ZAO        (an older one)
#                           contoso    C=US, O=Contoso Ltd                  (not a vendor signer)
avs_fx_certs() { avs_locked certs _avs_fx_certs; }

_avs_fx_certs() {
    local d=$AVS_WORK/certs who subj
    if [[ -f $d/.made ]]; then
        printf '%s\n' "$d"
        return 0
    fi
    mkdir -p "$d"
    cat >"$d/x509.cnf" <<'EOF2'
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[leaf_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
EOF2
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 2 \
        -subj "/CN=AvSwap Throwaway Test Root/O=AvSwap Tests" -config "$d/x509.cnf" \
        -extensions ca_ext >/dev/null 2>&1 || avs_die "openssl: cannot make the test CA"
    for who in kaspersky kaspersky-zao contoso; do
        case $who in
            kaspersky) subj="/C=RU/L=Moscow/O=AO Kaspersky Lab/CN=AO Kaspersky Lab" ;;
            kaspersky-zao) subj="/C=RU/O=Kaspersky Lab ZAO/CN=Kaspersky Lab ZAO" ;;
            contoso) subj="/C=US/O=Contoso Ltd/CN=Contoso Ltd" ;;
        esac
        openssl req -newkey rsa:2048 -nodes -keyout "$d/$who.key" -out "$d/$who.csr" \
            -subj "$subj" -config "$d/x509.cnf" >/dev/null 2>&1 &&
            openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
                -CAcreateserial -out "$d/$who.pem" -days 2 -extfile "$d/x509.cnf" \
                -extensions leaf_ext >/dev/null 2>&1 || avs_die "openssl: cannot make $who's certificate"
        cat "$d/$who.pem" "$d/ca.pem" >"$d/$who-chain.pem"
    done
    touch "$d/.made"
    printf '%s\n' "$d"
}

avs_fx_sign() {
    local in=$1 out=$2 who=$3 d
    d=$(avs_fx_certs)
    rm -f -- "$out"
    osslsigncode sign -certs "$d/$who-chain.pem" -key "$d/$who.key" -n "AvSwap test fixture" \
        -h sha256 -in "$in" -out "$out" >/dev/null 2>&1 || avs_die "osslsigncode cannot sign $in as $who"
}

# UTF-16LE hex of a UTF-8 string, as regraw.exe takes it; with a terminator unless $2 = noterm.
_avs_utf16hex() {
    local hex
    hex=$(printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE | od -An -v -tx1 | tr -d ' \n')
    [[ ${2:-} == noterm ]] || hex+=0000
    printf '%s\n' "${hex:--}"
}

# Writes a .reg file (UTF-8 on stdin) as regedit wants it (UTF-16LE, BOM) and imports it.
_avs_reg_import() {
    local prefix=$1 file=$2
    { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; } >"$file"
    avs_wine "$prefix" regedit /S "$(avs_winpath "$file")" || avs_die "regedit /S $file failed"
}

avs_user_sid() {
    local sid
    sid=$(avs_wine "$1" reg query HKU 2>/dev/null | tr -d '\r' |
        awk '/^HKEY_USERS\\S-1-5-21-[0-9-]*$/ && !done { sub(/^HKEY_USERS\\/, ""); print; done = 1 }')
    [[ -n $sid ]] || avs_die "no user hive under HKU in $1"
    printf '%s\n' "$sid"
}

# The Windows user name of the prefix (its profile under drive_c/users).
_avs_profile_name() {
    local d
    for d in "$1"/drive_c/users/*/; do
        d=$(basename "$d")
        [[ $d == Public ]] || { printf '%s\n' "$d"; return 0; }
    done
    return 1
}

_avs_regraw() {
    local prefix=$1
    shift
    avs_wine "$prefix" "$(avs_winpath "$(avs_tools_dir)/regraw.exe")" "$@" ||
        avs_die "regraw $* failed"
}

# The Uninstall entry of the Kaspersky Free fixture (an EXE uninstaller, 32-bit view), as .reg
# text; $1 is its install folder with backslashes already doubled.
_avs_kfree_reg() {
    local e_kfree=$1
    cat <<EOF
[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KasperskyFree]
"DisplayName"="Kaspersky Free"
"DisplayVersion"="21.3.10.391"
"Publisher"="Kaspersky"
"InstallLocation"="$e_kfree\\\\"
"DisplayIcon"="$e_kfree\\\\avp.exe,0"
"UninstallString"="\\"$e_kfree\\\\avpuninst.exe\\""
"QuietUninstallString"="\\"$e_kfree\\\\avpuninst.exe\\" /s"
"NoModify"=dword:00000001
"NoRepair"=dword:00000001
EOF
}

# Two look-alikes that must never be findings (K-Lite Codec Pack by KLCP; KLayout, whose publisher
# has a non-ASCII name), as .reg text.
_avs_lookalikes_reg() {
    cat <<EOF
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KLiteCodecPack_is1]
"DisplayName"="K-Lite Codec Pack 17.9.0 Basic"
"DisplayVersion"="17.9.0"
"Publisher"="KLCP"
"UninstallString"="\\"C:\\\\Program Files (x86)\\\\K-Lite Codec Pack\\\\unins000.exe\\""

[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KLayout]
"DisplayName"="KLayout 0.28.12"
"DisplayVersion"="0.28.12"
"Publisher"="Matthias Köfferlein"
"UninstallString"="\\"C:\\\\Program Files\\\\KLayout\\\\uninstall.exe\\""
EOF
}

make_endpoint() {
    local prefix=$1 fx user pf86 kfree kpm contoso
    fx=$(avs_fixtures_build)
    user=$(_avs_profile_name "$prefix")
    [[ -n $user ]] || avs_die "no user profile in $prefix"

    avs_wine "$prefix" msiexec /i "$(avs_winpath "$fx/kes.msi")" /qn || avs_die "kes.msi failed"
    avs_wine "$prefix" msiexec /i "$(avs_winpath "$fx/klnagent.msi")" /qn ||
        avs_die "klnagent.msi failed"

    # The EXE-installed products: files where their uninstall strings point.
    pf86="$prefix/drive_c/Program Files (x86)"
    kfree='C:\Program Files (x86)\Kaspersky Lab\Kaspersky Free 21.3'
    mkdir -p "$pf86/Kaspersky Lab/Kaspersky Free 21.3"
    cp "$fx/kfree-uninst.exe" "$pf86/Kaspersky Lab/Kaspersky Free 21.3/avpuninst.exe"
    cp "$fx/fixturesvc.exe" "$pf86/Kaspersky Lab/Kaspersky Free 21.3/avp.exe"
    kpm="C:\\users\\$user\\AppData\\Local\\Programs\\Kaspersky Lab\\Kaspersky Password Manager"
    mkdir -p "$prefix/drive_c/users/$user/AppData/Local/Programs/Kaspersky Lab/Kaspersky Password Manager"
    cp "$fx/kpm-uninst.exe" \
        "$prefix/drive_c/users/$user/AppData/Local/Programs/Kaspersky Lab/Kaspersky Password Manager/kpmuninst.exe"
    contoso='C:\Program Files\Contoso\Legacy Antivirus'
    mkdir -p "$prefix/drive_c/Program Files/Contoso/Legacy Antivirus" \
        "$prefix/drive_c/Program Files/Windows Defender"
    cp "$fx/contoso-uninst.exe" "$prefix/drive_c/Program Files/Contoso/Legacy Antivirus/uninstall.exe"
    cp "$fx/fixturesvc.exe" "$prefix/drive_c/Program Files/Windows Defender/MsMpEng.exe"
    : >"$prefix/drive_c/windows/system32/drivers/klif.sys"

    # .reg strings: backslash and quote escaped.
    local e_kfree=${kfree//\\/\\\\} e_kpm=${kpm//\\/\\\\} e_contoso=${contoso//\\/\\\\}
    _avs_reg_import "$prefix" "${prefix%/}.endpoint.reg" <<EOF
Windows Registry Editor Version 5.00

$(_avs_kfree_reg "$e_kfree")

[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KasperskyPasswordManager]
"DisplayName"="Kaspersky Password Manager"
"DisplayVersion"="9.0.2.1186"
"Publisher"="AO Kaspersky Lab"
"InstallLocation"="$e_kpm\\\\"
"UninstallString"="\\"$e_kpm\\\\kpmuninst.exe\\""
"QuietUninstallString"="\\"$e_kpm\\\\kpmuninst.exe\\" /s"

$(_avs_lookalikes_reg)

[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{5A7C0B1E-AB5C-4F1D-9E0A-0000A5A50001}]
"DisplayName"="AvSwap"
"DisplayVersion"="0.1.0"
"Publisher"="AvSwap"
"UninstallString"="MsiExec.exe /X{5A7C0B1E-AB5C-4F1D-9E0A-0000A5A50001}"

[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\ContosoLegacyAV]
"DisplayName"="Contoso Legacy Antivirus"
"DisplayVersion"="4.2.0"
"Publisher"="Contoso Ltd"
"UninstallString"="\\"$e_contoso\\\\uninstall.exe\\""
"QuietUninstallString"="\\"$e_contoso\\\\uninstall.exe\\" /quiet"

[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KasperskyEmptyName]
"DisplayName"=""
"Publisher"="AO Kaspersky Lab"
"DisplayVersion"="1.0"
EOF

    # Values no well-behaved tool writes: exact bytes through NtSetValueKey (regraw.exe).
    local u=HKLM\\$AVS_FX_UNINST
    _avs_regraw "$prefix" "$u\\KasperskyBinaryName" \
        DisplayName 3 "$(_avs_utf16hex 'Kaspersky Internet Security')" \
        DisplayVersion 1 "$(_avs_utf16hex '21.3')"
    _avs_regraw "$prefix" /32 "$u\\KasperskyUnterminated" \
        DisplayName 1 "$(_avs_utf16hex 'Kaspersky Total Security' noterm)" \
        DisplayVersion 1 "$(_avs_utf16hex '21.3.10.391')" \
        Publisher 1 "$(_avs_utf16hex 'AO Kaspersky Lab')"
    _avs_regraw "$prefix" "$u\\KasperskySurrogate" \
        DisplayName 1 "$(_avs_utf16hex 'Kaspersky Small Office Security' noterm)00d80000"
    _avs_regraw "$prefix" "$u\\KasperskyTricky" \
        DisplayName 1 "$(_avs_utf16hex "$AVS_FX_TRICKY_NAME")" \
        DisplayVersion 1 "$(_avs_utf16hex '21.3.10.391')" \
        Publisher 1 "$(_avs_utf16hex 'AO Kaspersky Lab')"

    # klif: a file-system driver the SCM lists (sc create writes Type 2 and registers it now,
    # no reboot needed); WinDefend: the approved product's service, present and stopped.
    avs_wine "$prefix" sc create klif type= filesys start= demand \
        binPath= 'C:\windows\system32\drivers\klif.sys' DisplayName= 'Kaspersky Lab KLIF' \
        >/dev/null || avs_die "sc create klif failed"
    avs_wine "$prefix" sc create WinDefend start= demand \
        binPath= 'C:\Program Files\Windows Defender\MsMpEng.exe' \
        DisplayName= 'Microsoft Defender Antivirus Service' >/dev/null ||
        avs_die "sc create WinDefend failed"
    avs_wine_stop "$prefix"
}

make_remnant_endpoint() {
    local prefix=$1
    : >"$prefix/drive_c/windows/system32/drivers/klif.sys"
    avs_wine "$prefix" sc create klif type= filesys start= demand \
        binPath= 'C:\windows\system32\drivers\klif.sys' DisplayName= 'Kaspersky Lab KLIF' \
        >/dev/null || avs_die "sc create klif failed"
    avs_wine_stop "$prefix"
}

# N programs named "Benchmark Program NNNN", each with the values a real entry has.
avs_add_programs() {
    local prefix=$1 n=$2 i
    {
        printf 'Windows Registry Editor Version 5.00\n\n'
        for ((i = 1; i <= n; i++)); do
            printf '[HKEY_LOCAL_MACHINE\\%s\\BenchProgram%04d]\n' "$AVS_FX_UNINST" "$i"
            printf '"DisplayName"="Benchmark Program %04d"\n' "$i"
            printf '"DisplayVersion"="1.%d.0"\n' "$i"
            printf '"Publisher"="Bench Vendor %d"\n' $((i % 37))
            printf '"InstallLocation"="C:\\\\Program Files\\\\Bench\\\\P%04d\\\\"\n' "$i"
            printf '"UninstallString"="\\"C:\\\\Program Files\\\\Bench\\\\P%04d\\\\uninst.exe\\""\n' "$i"
            printf '"EstimatedSize"=dword:%08x\n\n' $((1000 + i))
        done
    } | _avs_reg_import "$prefix" "$AVS_WORK/programs-$n.reg"
    avs_wine_stop "$prefix"
}

# ---- remediation fixtures ---------------------------------------------------------------------
#
#   avs_remediation_fixtures_build  adds to the avs_fixtures_build directory (prints it):
#       kes-pwd.msi      kes.msi + a type-19 custom action: its removal fails with 1603 unless
#                        KLPASSWD is $AVS_FX_KES_PASSWORD (a password-protected KES)
#       kes-slow.msi     kes.msi + a type-34 custom action that runs fixturesleep.exe for 2.5 s
#                        during the removal (tests kill avswap.exe while it is in progress)
#       ksde-reboot.msi  ksde.wxs + ScheduleReboot under REMOVE="ALL": its removal returns 3010
#       contoso-av.msi   the approved replacement "Contoso Antivirus" (service ContosoAV)
#       fixturesleep.exe the sleeper of kes-slow.msi
#   make_remediable_endpoint PREFIX [KES-MSI]
#       an endpoint that a remediation can make fully compliant: KES (kes.msi, or the variant
#       named), the 32-bit Network Agent, Kaspersky Free (EXE uninstaller under Program Files
#       (x86), which counts its runs in runs.log next to it), the WinDefend service (a real
#       service binary that runs under Wine's SCM, stopped, demand start), and the decoys
#       K-Lite Codec Pack and KLayout. No driver, per-user product or malformed entry: those
#       cannot be removed safely, and make_endpoint has them.
#   avs_fx_install PREFIX MSI          msiexec /i a fixture package (by file name) into PREFIX
#   avs_fx_add_shell_entry PREFIX      a Kaspersky Uninstall entry whose uninstall strings are
#                                      shell commands creating C:\pwned.txt (must never run)
#   avs_fx_service_state PREFIX NAME   the SCM state of a service (RUNNING, STOPPED, ...; "absent")

# The uninstall password of kes-pwd.msi. It must appear nowhere AvSwap writes (tests search).
AVS_FX_KES_PASSWORD='Zq7-e2e-Hunter2-pw'
# Marker file the shell entry's command would create.
AVS_FX_PWNED='C:\pwned.txt'

avs_remediation_fixtures_build() {
    local out
    out=$(avs_fixtures_build) || avs_die "cannot build the fixtures"
    avs_locked fixtures-remediation _avs_remediation_fixtures_build "$out"
}

_avs_remediation_fixtures_build() {
    local out=$1 q='`'
    if [[ -f $out/.built-remediation ]]; then
        printf '%s\n' "$out"
        return 0
    fi
    x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -municode -static -o "$out/fixturesleep.exe" \
        "$AVS_FX_DIR/src/fixturesleep.c" >&2 || avs_die "cannot build fixturesleep.exe"
    cp "$AVS_FX_DIR/ksde.wxs" "$AVS_FX_DIR/contoso-av.wxs" "$out/"
    (cd "$out" && wixl -a x64 -o ksde-reboot.msi ksde.wxs && wixl -a x64 -o contoso-av.msi contoso-av.wxs) \
        >&2 || avs_die "wixl failed"
    # Tables wixl cannot write, added with msibuild (WINE.md).
    msibuild "$out/ksde-reboot.msi" -q "INSERT INTO ${q}InstallExecuteSequence${q} (${q}Action${q},${q}Condition${q},${q}Sequence${q}) VALUES ('ScheduleReboot','REMOVE=\"ALL\"',6590)" ||
        avs_die "msibuild ksde-reboot.msi failed"
    cp "$out/kes.msi" "$out/kes-pwd.msi"
    msibuild "$out/kes-pwd.msi" -q "INSERT INTO ${q}CustomAction${q} (${q}Action${q},${q}Type${q},${q}Source${q},${q}Target${q}) VALUES ('NeedPwd',19,'','Wrong password')" &&
        msibuild "$out/kes-pwd.msi" -q "INSERT INTO ${q}InstallExecuteSequence${q} (${q}Action${q},${q}Condition${q},${q}Sequence${q}) VALUES ('NeedPwd','REMOVE=\"ALL\" AND KLPASSWD<>\"$AVS_FX_KES_PASSWORD\"',1399)" ||
        avs_die "msibuild kes-pwd.msi failed"
    cp "$out/kes.msi" "$out/kes-slow.msi"
    msibuild "$out/kes-slow.msi" -q "INSERT INTO ${q}CustomAction${q} (${q}Action${q},${q}Type${q},${q}Source${q},${q}Target${q}) VALUES ('SlowUninstall',34,'TARGETDIR','\"C:\\windows\\fixturesleep.exe\" 2500')" &&
        msibuild "$out/kes-slow.msi" -q "INSERT INTO ${q}InstallExecuteSequence${q} (${q}Action${q},${q}Condition${q},${q}Sequence${q}) VALUES ('SlowUninstall','REMOVE=\"ALL\"',1450)" ||
        avs_die "msibuild kes-slow.msi failed"
    touch "$out/.built-remediation"
    printf '%s\n' "$out"
}

avs_fx_install() {
    local prefix=$1 msi=$2 fx
    fx=$(avs_remediation_fixtures_build)
    [[ -f $fx/$msi ]] || avs_die "no fixture package $msi"
    avs_wine "$prefix" msiexec /i "$(avs_winpath "$fx/$msi")" /qn || avs_die "msiexec /i $msi failed"
}

avs_fx_service_state() {
    local out
    out=$(avs_wine "$1" sc query "$2" 2>/dev/null | tr -d '\r') || true
    out=$(awk '$1 == "STATE" { print $4; exit }' <<<"$out")
    printf '%s\n' "${out:-absent}"
}

make_remediable_endpoint() {
    local prefix=$1 kes=${2:-kes.msi} fx kfree
    fx=$(avs_remediation_fixtures_build)
    cp "$fx/fixturesleep.exe" "$prefix/drive_c/windows/fixturesleep.exe"
    avs_fx_install "$prefix" "$kes"
    avs_fx_install "$prefix" klnagent.msi

    kfree='C:\Program Files (x86)\Kaspersky Lab\Kaspersky Free 21.3'
    mkdir -p "$prefix/drive_c/Program Files (x86)/Kaspersky Lab/Kaspersky Free 21.3" \
        "$prefix/drive_c/Program Files/Windows Defender"
    cp "$fx/kfree-uninst.exe" "$prefix/drive_c/Program Files (x86)/Kaspersky Lab/Kaspersky Free 21.3/avpuninst.exe"
    cp "$fx/fixturesvc.exe" "$prefix/drive_c/Program Files (x86)/Kaspersky Lab/Kaspersky Free 21.3/avp.exe"
    cp "$fx/fixturesvc.exe" "$prefix/drive_c/Program Files/Windows Defender/MsMpEng.exe"
    local e_kfree=${kfree//\\/\\\\}
    _avs_reg_import "$prefix" "${prefix%/}.remediable.reg" <<EOF2
Windows Registry Editor Version 5.00

$(_avs_kfree_reg "$e_kfree")

$(_avs_lookalikes_reg)
EOF2
    # The approved product's service: fixturesvc.exe reports RUNNING to the SCM when started.
    avs_wine "$prefix" sc create WinDefend start= demand \
        binPath= 'C:\Program Files\Windows Defender\MsMpEng.exe' \
        DisplayName= 'Microsoft Defender Antivirus Service' >/dev/null ||
        avs_die "sc create WinDefend failed"
    avs_wine_stop "$prefix"
}

avs_fx_add_shell_entry() {
    local prefix=$1 k=HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KasperskyShell
    avs_wine "$prefix" reg add "$k" /v DisplayName /d 'Kaspersky Anti-Virus' /f >/dev/null &&
        avs_wine "$prefix" reg add "$k" /v DisplayVersion /d '21.3.10.391' /f >/dev/null &&
        avs_wine "$prefix" reg add "$k" /v Publisher /d 'AO Kaspersky Lab' /f >/dev/null &&
        avs_wine "$prefix" reg add "$k" /v UninstallString \
            /d "cmd.exe /c echo PWNED> $AVS_FX_PWNED" /f >/dev/null &&
        avs_wine "$prefix" reg add "$k" /v QuietUninstallString \
            /d "C:\\Windows\\System32\\cmd.exe /c echo PWNED> $AVS_FX_PWNED" /f >/dev/null ||
        avs_die "cannot add the shell-command entry"
}
