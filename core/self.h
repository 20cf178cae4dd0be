/* How AvSwap recognises itself: by its MSI's UpgradeCode, never by a name or publisher, which
 * anyone who writes an Uninstall entry or builds a package can choose.
 *
 * The UpgradeCode stays the same across every version of AvSwap's MSI (Windows Installer's
 * major-upgrade rule keys on it); the MSI's WiX source must declare exactly this value. Windows
 * Installer lists the products installed with it (MsiEnumRelatedProductsW, avs_os_msi_related);
 * detection skips those product codes only where Windows Installer records them per-machine,
 * i.e. installed by an administrator (a per-user package with this UpgradeCode is anyone's). */
#ifndef AVS_SELF_H
#define AVS_SELF_H

#define AVS_SELF_UPGRADE_CODE "{FF792D60-AF89-473E-9DE5-9CD53718C6F0}"

#endif
