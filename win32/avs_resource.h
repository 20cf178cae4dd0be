/* win32/avs_resource.h — resource IDs shared by avswap.exe's resource scripts and win32/. Only
 * #defines: windres reads it too. */
#ifndef AVS_RESOURCE_H
#define AVS_RESOURCE_H

/* RCDATA: avswapmsg.dll, the event message file, embedded (CMakeLists.txt, win32/msgdll.c). */
#define AVS_RES_MSGDLL 101

#endif
