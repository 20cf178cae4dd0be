#include "msiresult.h"

#include <stddef.h>

enum avs_msi_action avs_msiresult_action(int code)
{
    switch (code) {
    case 0: return AVS_MSI_DONE;
    case 1605: /* ERROR_UNKNOWN_PRODUCT */ return AVS_MSI_ALREADY_GONE;
    case 3010: /* ERROR_SUCCESS_REBOOT_REQUIRED */
    case 1641: /* ERROR_SUCCESS_REBOOT_INITIATED */ return AVS_MSI_REBOOT;
    case 1618: /* ERROR_INSTALL_ALREADY_RUNNING */ return AVS_MSI_RETRY_BUSY;
    default: return AVS_MSI_FAILED;
    }
}

const char *avs_msi_action_name(enum avs_msi_action a)
{
    switch (a) {
    case AVS_MSI_DONE: return "done";
    case AVS_MSI_ALREADY_GONE: return "already-gone";
    case AVS_MSI_REBOOT: return "reboot";
    case AVS_MSI_RETRY_BUSY: return "retry-busy";
    case AVS_MSI_FAILED: break;
    }
    return "failed";
}

static const struct {
    int code;
    const char *text;
} TEXTS[] = {
    {0, "completed successfully"},
    {1601, "the Windows Installer service could not be accessed"},
    {1602, "the user cancelled the installation"},
    {1603, "a fatal error occurred during the installation"},
    {1604, "the installation is suspended, incomplete"},
    {1605, "the product is not installed"},
    {1612, "the installation source for this product is not available"},
    {1618, "another installation is already in progress"},
    {1619, "the installation package could not be opened"},
    {1620, "the installation package could not be opened (not a valid package)"},
    {1624, "the transform could not be applied"},
    {1625, "the installation is forbidden by system policy"},
    {1633, "the installation package is not supported on this platform"},
    {1638, "another version of this product is already installed"},
    {1639, "invalid command line argument"},
    {1641, "the installer has started a restart to complete the operation"},
    {3010, "a restart is required to complete the operation"},
};

const char *avs_msiresult_text(int code)
{
    for (size_t i = 0; i < sizeof TEXTS / sizeof TEXTS[0]; i++)
        if (TEXTS[i].code == code)
            return TEXTS[i].text;
    return "Windows Installer error";
}
