/* SPDX-License-Identifier: MIT */
/*
 * What the parts of smoke.exe share: the result lines, one raw request, the
 * driver's idle state, and which host this is (Wine, ReactOS, Windows).
 */
#ifndef KSHM_SMOKE_H
#define KSHM_SMOKE_H

#include <windows.h>

#include <kshm.h>

extern HANDLE device;	/* the kshm handle of this process's struct kshm */

void report(const char *name, int ok, const char *why);
void skip(const char *name, const char *why);
void expect(const char *name, int got, int want);
/* One raw DeviceIoControl: 0 or the negative errno libkshm would return. */
int raw(DWORD code, void *in, DWORD in_bytes, void *out, DWORD out_bytes);
#define REQ(code, req) raw((code), &(req), sizeof(req), &(req), sizeof(req))

/* Counters as KSHM_IOC_VERSION reports them: nothing allocated, nothing live. */
int driver_idle(struct kshm *k);
int under_wine(void);
/* May this process read / write the byte at addr? Found by touching it (smoke.c). */
int may_read(const void *addr);
int may_write(void *addr);
int under_reactos(void);

/* smoke_process.c: what needs a real NT kernel, processes of its own and a security model. */
int smoke_child_main(int argc, char **argv);	/* smoke.exe --child MODE ... */
void test_real_kernel(struct kshm *k);
void test_no_write_ignored(struct kshm *k);	/* --no-write-ignored */
int smoke_set_parameter(const char *name, const char *value);	/* --parameter NAME VALUE */
/* --kill-mid-stream NAME PROGRAM [ARGS...] */
int smoke_kill_mid_stream(struct kshm *k, const char *name, int argc, char **argv);
int smoke_still_loaded(const char *test, const char *service);	/* --still-loaded TEST SERVICE */
int smoke_unload_driver(const char *service);			/* --unload-driver SERVICE */
int smoke_stop_refused(const char *test, const char *service);	/* --stop-refused TEST SERVICE */
int smoke_api_lookups(struct kshm *k);				/* --api-lookups */
int smoke_api_regions(struct kshm *k);				/* --api-regions */
void skip_real_kernel(const char *why);

#endif /* KSHM_SMOKE_H */
