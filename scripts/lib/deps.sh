# Sourced by scripts/*: installs the Debian packages AvSwap's build and tests need, when missing.
# A fresh Debian 12 machine (CI) has none of them; a developer's machine usually has all.
AVS_DEBIAN_PACKAGES=(
    cmake ninja-build gcc libc6-dev
    gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-tools libz-mingw-w64-dev
    libcriterion-dev zlib1g-dev
    wine64 msitools wixl
    jq python3 osslsigncode openssl
    libxml2-utils libxml2-dev
)

avs_ensure_packages() {
    local missing=()
    local p
    for p in "${AVS_DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing Debian packages: ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: run as root (or install them yourself): apt-get install ${missing[*]}" >&2
        return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# The fuzzing and static checks (scripts/fuzz, and scripts/test's corpus replay and cppcheck):
# clang-14 with its libFuzzer/sanitizer runtime, which Debian ships apart from the compiler.
AVS_FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev cppcheck)

# The HTML report's browser checks (tests/report/run, e2e t_160): headless Chromium renders,
# prints and sorts the page; poppler-utils reads the printed PDF back as text.
AVS_REPORT_PACKAGES=(chromium poppler-utils)
