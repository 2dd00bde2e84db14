// SPDX-License-Identifier: MIT
/*
 * The part of smoke.exe that only a real NT kernel can run (Windows, or the
 * ReactOS kit of `make check`): what happens to a process's regions,
 * attached buffers and channel views when it exits or is killed, a handle
 * used from a process that did not open it, the device's ACL against a
 * caller that is neither SYSTEM nor an administrator, and the protection of
 * the pages the driver maps into a process.
 *
 * Some of these need a second process: smoke.exe starts itself with
 * `--child MODE ...` (smoke_child_main) and talks to it through its
 * standard input and output.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include <kshm.h>
#include "smoke.h"

/* ---- the child side ---- */

/*
 * `--child hold`: set up one of everything the driver can hold for a
 * process (a region it writes, a read-only region, an attached buffer the
 * kernel writes, an events channel with records and the process's event,
 * a submissions channel with a record), print "READY <kshm handle>", then
 * wait for standard input to close and exit without releasing anything.
 * The parent may kill it instead.
 */
static int child_hold(void)
{
	struct kshm_channel *events, *submissions;
	struct kshm_region *rw, *ro, *attached;
	uint8_t *buffer;
	void *payload;
	char line[16];
	struct kshm *k;
	int err;

	buffer = VirtualAlloc(NULL, 3 * 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
	err = buffer ? kshm_open(NULL, &k) : -ENOMEM;
	if (!err)
		err = kshm_region_create(k, 65536, 0, &rw);
	if (!err) {
		memset(kshm_region_data(rw), 0x5a, 65536);
		err = kshm_region_create(k, 8192, KSHM_REGION_USER_READONLY, &ro);
	}
	if (!err)
		err = kshm_buffer_attach(k, buffer + 100, 8000, KSHM_ATTACH_KERNEL_WRITE, &attached);
	if (!err)
		err = kshm_region_fill(attached, 0, 8000, 3);
	if (!err)
		err = kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 65536, NULL, &events);
	if (!err)
		err = kshm_channel_generate(events, 50, 64, &(struct kshm_generate_opts){
			.sz = sizeof(struct kshm_generate_opts), .type = 7, .first_seq = 1 });
	if (!err)
		err = kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, 65536, NULL, &submissions);
	if (!err)
		err = kshm_channel_reserve(submissions, 40, 9, &payload);
	if (err) {
		printf("FAILED %d\n", err);
		return 2;
	}
	kshm_channel_commit(submissions);
	printf("READY %" PRIu64 "\n", (uint64_t)kshm_native_handle(k));
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	ExitProcess(0);	/* with everything above still live */
}

/* `--child foreign HANDLE`: use a kshm handle this process did not open. */
static int child_foreign(const char *handle_text)
{
	HANDLE handle = (HANDLE)(uintptr_t)strtoull(handle_text, NULL, 0);
	struct kshm_version v;
	DWORD returned;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	if (DeviceIoControl(handle, KSHM_IOC_VERSION, &v, sizeof(v), &v, sizeof(v), &returned,
			    NULL)) {
		printf("ACCEPTED\n");
		return 1;
	}
	printf("REFUSED %lu\n", (unsigned long)GetLastError());
	return GetLastError() == ERROR_ACCESS_DENIED ? 0 : 3;
}

int smoke_child_main(int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "hold"))
		return child_hold();
	if (argc == 2 && !strcmp(argv[0], "foreign"))
		return child_foreign(argv[1]);
	fprintf(stderr, "smoke: unknown child mode\n");
	return 64;
}

/* ---- the parent side ---- */

struct child {
	PROCESS_INFORMATION pi;
	HANDLE to_child;	/* its standard input */
	HANDLE from_child;	/* its standard output */
};

/* Start `smoke.exe --child ARGS`, inheriting inheritable handles, with pipes for its stdio. */
static int child_start(struct child *c, const char *args)
{
	SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
	HANDLE in_read, out_write;
	STARTUPINFOA si;
	char exe[MAX_PATH], cmd[MAX_PATH + 128];
	BOOL ok;

	memset(c, 0, sizeof(*c));
	if (!GetModuleFileNameA(NULL, exe, sizeof(exe)) ||
	    !CreatePipe(&in_read, &c->to_child, &inherit, 0))
		return 0;
	if (!CreatePipe(&c->from_child, &out_write, &inherit, 0)) {
		CloseHandle(in_read);
		CloseHandle(c->to_child);
		return 0;
	}
	/* Our ends stay ours, so the child sees EOF when we close them. */
	SetHandleInformation(c->to_child, HANDLE_FLAG_INHERIT, 0);
	SetHandleInformation(c->from_child, HANDLE_FLAG_INHERIT, 0);
	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = in_read;
	si.hStdOutput = out_write;
	si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	snprintf(cmd, sizeof(cmd), "\"%s\" --child %s", exe, args);
	ok = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &c->pi);
	CloseHandle(in_read);
	CloseHandle(out_write);
	if (!ok) {
		CloseHandle(c->to_child);
		CloseHandle(c->from_child);
	}
	return ok;
}

/* One line of the child's output (without the newline), or 0 at its end. */
static int child_line(struct child *c, char *line, size_t size)
{
	size_t n = 0;
	DWORD got;
	char ch;

	while (n + 1 < size && ReadFile(c->from_child, &ch, 1, &got, NULL) && got == 1) {
		if (ch == '\n')
			break;
		if (ch != '\r')
			line[n++] = ch;
	}
	line[n] = 0;
	return n > 0;
}

/* Wait for the child to end; its exit code, or -1 if it did not end in time. */
static long child_finish(struct child *c, DWORD timeout_ms)
{
	DWORD code = (DWORD)-1;

	if (c->to_child)
		CloseHandle(c->to_child);
	if (WaitForSingleObject(c->pi.hProcess, timeout_ms) != WAIT_OBJECT_0) {
		TerminateProcess(c->pi.hProcess, 1);
		WaitForSingleObject(c->pi.hProcess, 10000);
	} else {
		GetExitCodeProcess(c->pi.hProcess, &code);
	}
	CloseHandle(c->from_child);
	CloseHandle(c->pi.hThread);
	CloseHandle(c->pi.hProcess);
	return (long)code;
}

/*
 * The driver releases a process's handles in IRP_MJ_CLEANUP, or in its
 * process-exit notification when a duplicate keeps the handle open; allow
 * the kernel a moment to finish tearing the process down after it is
 * signalled.
 */
static int driver_idle_soon(struct kshm *k)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (driver_idle(k))
			return 1;
		Sleep(100);
	}
	return 0;
}

static int live_regions(struct kshm *k)
{
	struct kshm_version v;

	return kshm_query_version(k, &v) == 0 ? (int)v.regions_live : -1;
}

enum child_end { END_EXIT, END_KILL, END_KILL_WITH_DUPLICATE };

/*
 * A process exits (returns from main without releasing, or is killed) with
 * two regions, an attached buffer and two mapped channels: everything is
 * released and no page stays locked (a process leaving locked pages behind
 * would bugcheck the machine with PROCESS_HAS_LOCKED_PAGES). With a
 * duplicate of its handle alive in this process, no CLEANUP comes at its
 * exit: the driver's process-exit notification must do it, and the
 * duplicate is refused (another process).
 */
static void test_process_end(struct kshm *k, enum child_end end, const char *name)
{
	char line[64], test[96];
	struct child c;
	HANDLE duplicate = NULL;
	unsigned long long handle;
	long code;

	if (!child_start(&c, "hold")) {
		report(name, 0, "cannot start the child process");
		return;
	}
	if (!child_line(&c, line, sizeof(line)) || sscanf(line, "READY %llu", &handle) != 1) {
		snprintf(test, sizeof(test), "child did not set up: \"%s\"", line);
		report(name, 0, test);
		child_finish(&c, 10000);
		return;
	}
	snprintf(test, sizeof(test), "%s_holds_five", name);
	report(test, live_regions(k) == 5, "the child's regions are not all live");
	if (end == END_KILL_WITH_DUPLICATE) {
		struct kshm_version v;
		DWORD returned;

		if (!DuplicateHandle(c.pi.hProcess, (HANDLE)(uintptr_t)handle, GetCurrentProcess(),
				     &duplicate, 0, FALSE, DUPLICATE_SAME_ACCESS))
			duplicate = NULL;
		memset(&v, 0, sizeof(v));
		v.size = sizeof(v);
		report("security.foreign_duplicate_refused", duplicate &&
		       !DeviceIoControl(duplicate, KSHM_IOC_VERSION, &v, sizeof(v), &v, sizeof(v),
					&returned, NULL) && GetLastError() == ERROR_ACCESS_DENIED,
		       "a duplicate of another process's handle was accepted");
	}
	if (end != END_EXIT)
		TerminateProcess(c.pi.hProcess, 9);
	code = child_finish(&c, 30000);	/* END_EXIT: EOF on its stdin, it exits */
	snprintf(test, sizeof(test), "%s_child_ended", name);
	report(test, code == (end == END_EXIT ? 0 : 9), "the child did not end as asked");
	report(name, driver_idle_soon(k), "regions, pins or allocations outlived the process");
	if (duplicate) {
		CloseHandle(duplicate);	/* CLOSE of the emptied handle */
		snprintf(test, sizeof(test), "%s_duplicate_closed", name);
		report(test, driver_idle(k), "closing the duplicate changed the counters");
	}
}

/* A handle this process opened, used by a child that inherited it: refused. */
static void test_foreign_inherited(void)
{
	SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
	char args[64], line[64];
	struct child c;
	HANDLE handle;
	long code;

	handle = CreateFileW(L"\\\\.\\kshm", GENERIC_READ | GENERIC_WRITE, 0, &inherit,
			     OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (handle == INVALID_HANDLE_VALUE) {
		report("security.foreign_inherited_refused", 0, "cannot open an inheritable handle");
		return;
	}
	snprintf(args, sizeof(args), "foreign %llu", (unsigned long long)(uintptr_t)handle);
	if (!child_start(&c, args)) {
		report("security.foreign_inherited_refused", 0, "cannot start the child process");
		CloseHandle(handle);
		return;
	}
	child_line(&c, line, sizeof(line));
	code = child_finish(&c, 30000);
	report("security.foreign_inherited_refused", code == 0, line[0] ? line : "no answer");
	CloseHandle(handle);
}

/* A well-known SID S-1-5-<a>[-<b>] in `buffer` (room for two sub-authorities). */
static PSID nt_sid(BYTE *buffer, DWORD first, DWORD second, BYTE count)
{
	SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
	PSID sid = (PSID)buffer;

	InitializeSid(sid, &nt, count);
	*GetSidSubAuthority(sid, 0) = first;
	if (count > 1)
		*GetSidSubAuthority(sid, 1) = second;
	return sid;
}

/* Open the device while impersonating `token`: 0, or the Win32 error. */
static DWORD open_as(HANDLE token)
{
	HANDLE impersonation = NULL, device_handle;
	DWORD err = 0;

	if (!DuplicateToken(token, SecurityImpersonation, &impersonation))
		return GetLastError();
	if (!SetThreadToken(NULL, impersonation)) {
		err = GetLastError();
		CloseHandle(impersonation);
		return err;
	}
	device_handle = CreateFileW(L"\\\\.\\kshm", GENERIC_READ | GENERIC_WRITE, 0, NULL,
				    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (device_handle == INVALID_HANDLE_VALUE)
		err = GetLastError();
	else
		CloseHandle(device_handle);
	SetThreadToken(NULL, NULL);
	CloseHandle(impersonation);
	return err;
}

/* Is `sid` in the token's groups, and only for deny (SE_GROUP_USE_FOR_DENY_ONLY)? */
static int deny_only_in(HANDLE token, PSID sid)
{
	BYTE buffer[4096];
	TOKEN_GROUPS *groups = (TOKEN_GROUPS *)buffer;
	DWORD bytes, i;

	if (!GetTokenInformation(token, TokenGroups, buffer, sizeof(buffer), &bytes))
		return 0;
	for (i = 0; i < groups->GroupCount; i++) {
		if (EqualSid(groups->Groups[i].Sid, sid))
			return (groups->Groups[i].Attributes & SE_GROUP_USE_FOR_DENY_ONLY) &&
			       !(groups->Groups[i].Attributes & SE_GROUP_ENABLED);
	}
	return 0;
}

/* The device's DACL, read back: SYSTEM and Administrators allowed, nothing else. */
static void test_device_acl_entries(PSID system_sid, PSID admins_sid)
{
	BYTE sd_buffer[1024];
	PSECURITY_DESCRIPTOR sd = (PSECURITY_DESCRIPTOR)sd_buffer;
	BOOL present = FALSE, defaulted = FALSE;
	int system_seen = 0, admins_seen = 0, others = 0;
	PACL dacl = NULL;
	HANDLE handle;
	char why[96];
	DWORD needed;
	WORD i;

	handle = CreateFileW(L"\\\\.\\kshm", READ_CONTROL, 0, NULL, OPEN_EXISTING,
			     FILE_ATTRIBUTE_NORMAL, NULL);
	if (handle != INVALID_HANDLE_VALUE &&
	    GetKernelObjectSecurity(handle, DACL_SECURITY_INFORMATION, sd, sizeof(sd_buffer),
				    &needed) &&
	    GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) && present && dacl) {
		for (i = 0; i < dacl->AceCount; i++) {
			ACCESS_ALLOWED_ACE *ace;

			if (!GetAce(dacl, i, (void **)&ace) ||
			    ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE)
				others++;
			else if (EqualSid((PSID)&ace->SidStart, system_sid))
				system_seen++;
			else if (EqualSid((PSID)&ace->SidStart, admins_sid))
				admins_seen++;
			else
				others++;
		}
	}
	if (handle != INVALID_HANDLE_VALUE)
		CloseHandle(handle);
	snprintf(why, sizeof(why), "DACL %s: SYSTEM %d, Administrators %d, other entries %d",
		 dacl ? "read" : "not read", system_seen, admins_seen, others);
	report("security.device_acl_entries", system_seen == 1 && admins_seen == 1 && !others, why);
}

/*
 * The device's DACL as the driver sets it (kshm_main.c secure_device, with
 * AllowUsers unset), then callers that are neither SYSTEM nor an
 * administrator, made from this process's own token (SYSTEM, in the
 * Administrators group), which is let in:
 *  - restricted to Everyone (SidsToRestrict): every access must also be
 *    granted to Everyone, which the DACL does not name;
 *  - SYSTEM and Administrators made deny-only (SidsToDisable).
 */
static void test_device_acl(void)
{
	BYTE system_sid[16], admins_sid[16], world_sid[16];
	SID_IDENTIFIER_AUTHORITY world = SECURITY_WORLD_SID_AUTHORITY;
	SID_AND_ATTRIBUTES disable[2], everyone;
	HANDLE token = NULL, restricted = NULL, denied = NULL;
	char why[128];
	DWORD err;

	nt_sid(system_sid, SECURITY_LOCAL_SYSTEM_RID, 0, 1);
	nt_sid(admins_sid, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 2);
	InitializeSid((PSID)world_sid, &world, 1);
	*GetSidSubAuthority((PSID)world_sid, 0) = SECURITY_WORLD_RID;
	test_device_acl_entries((PSID)system_sid, (PSID)admins_sid);

	disable[0].Sid = (PSID)system_sid;
	disable[0].Attributes = 0;
	disable[1].Sid = (PSID)admins_sid;
	disable[1].Attributes = 0;
	everyone.Sid = (PSID)world_sid;
	everyone.Attributes = 0;
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY, &token) ||
	    !CreateRestrictedToken(token, 0, 0, NULL, 0, NULL, 1, &everyone, &restricted) ||
	    !CreateRestrictedToken(token, 0, 2, disable, 0, NULL, 0, NULL, &denied)) {
		snprintf(why, sizeof(why), "cannot make the restricted tokens: error %lu",
			 (unsigned long)GetLastError());
		report("security.device_acl_tokens", 0, why);
		goto out;
	}
	err = open_as(token);
	snprintf(why, sizeof(why), "this process's own token was refused: error %lu",
		 (unsigned long)err);
	report("security.device_acl_admits_admin", err == 0, why);

	err = open_as(restricted);
	snprintf(why, sizeof(why), "open restricted to Everyone: error %lu, want %lu",
		 (unsigned long)err, (unsigned long)ERROR_ACCESS_DENIED);
	report("security.device_acl_refuses_everyone", err == ERROR_ACCESS_DENIED, why);

	/* The token itself says whether the kernel made the SIDs deny-only. */
	if (!deny_only_in(denied, (PSID)admins_sid)) {
		skip("security.device_acl_refuses_non_admin", "the kernel did not make the "
		     "Administrators SID deny-only in CreateRestrictedToken's token (ReactOS gap: "
		     "ntoskrnl/se/tokenlif.c SepPerformTokenFiltering compares the addresses of "
		     "the SID pointers with RtlEqualSid, so SidsToDisable never matches)");
		goto out;
	}
	err = open_as(denied);
	snprintf(why, sizeof(why), "open as neither SYSTEM nor admin: error %lu, want %lu",
		 (unsigned long)err, (unsigned long)ERROR_ACCESS_DENIED);
	report("security.device_acl_refuses_non_admin", err == ERROR_ACCESS_DENIED, why);
out:
	if (denied)
		CloseHandle(denied);
	if (restricted)
		CloseHandle(restricted);
	if (token)
		CloseHandle(token);
}

/*
 * A read-only region: the process reads what the kernel wrote and cannot
 * write it. On a kernel that ignores MdlMappingNoWrite the driver refuses
 * the region (EOPNOTSUPP) rather than map it writable: also a pass, said so.
 */
static void test_readonly_region(struct kshm *k)
{
	struct kshm_region *r;
	uint64_t before = 0, after = 1;
	uint8_t *data;
	int err;

	err = kshm_region_create(k, 8192, KSHM_REGION_USER_READONLY, &r);
	if (err == -EOPNOTSUPP) {
		report("region.readonly_mapping", 1, "");
		printf("     (this kernel ignores MdlMappingNoWrite: the driver refused the "
		       "read-only region)\n");
		return;
	}
	expect("region.readonly_create", err, 0);
	if (err)
		return;
	data = kshm_region_data(r);
	expect("region.readonly_kernel_fill", kshm_region_fill(r, 0, 8192, 21), 0);
	kshm_region_checksum(r, 0, 8192, &before);
	report("region.readonly_mapping", may_read(data) && may_read(data + 8191) &&
	       !may_write(data) && !may_write(data + 4096),
	       "the process can write its read-only view");
	kshm_region_checksum(r, 0, 8192, &after);
	report("region.readonly_unchanged", before == after &&
	       kshm_pattern_check(data, 8192, 21, 0) == 8192, "the pages changed");
	expect("region.readonly_destroy", kshm_region_destroy(r), 0);
}

/*
 * Pages a process gets are zero, however they were used before: each round
 * fills its region (kernel and process) before freeing it, so a later round
 * that gets the same physical pages back unzeroed shows it.
 */
static void test_fresh_pages_zeroed(struct kshm *k)
{
	const uint64_t bytes = 256 * 1024;
	struct kshm_region *r;
	uint64_t nonzero = 0, i;
	char why[96];
	int round, err = 0;

	for (round = 0; round < 8 && !err; round++) {
		const uint8_t *data;

		err = kshm_region_create(k, bytes, 0, &r);
		if (err)
			break;
		data = kshm_region_data(r);
		for (i = 0; i < bytes; i++)
			nonzero += data[i] != 0;
		err = kshm_region_fill(r, 0, bytes / 2, round + 1);
		memset((uint8_t *)kshm_region_data(r) + bytes / 2, 0xa5, bytes / 2);
		kshm_region_destroy(r);
	}
	snprintf(why, sizeof(why), "error %d in round %d; %" PRIu64 " nonzero bytes in fresh pages",
		 err, round, nonzero);
	report("region.fresh_pages_zeroed", !err && nonzero == 0, why);
}

/*
 * With Parameters\SimulateNoWriteIgnored set, the driver maps the views a
 * process must not write as kernels before Windows 8 do (MdlMappingNoWrite
 * ignored: writable). Its write probe must find them writable and refuse
 * each request (EOPNOTSUPP), leaving nothing mapped or allocated; what is
 * meant to be writable still works.
 */
void test_no_write_ignored(struct kshm *k)
{
	struct kshm_channel *channel = NULL;
	struct kshm_region *r = NULL;
	int err;

	expect("nowrite.readonly_region_refused", kshm_region_create(k, 8192,
	       KSHM_REGION_USER_READONLY, &r), -EOPNOTSUPP);
	report("nowrite.refused_region_leaves_nothing", driver_idle(k), "counters not zero");
	/* Both kinds: each has one side the process must not write. */
	expect("nowrite.events_channel_refused", kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 65536, NULL,
	       &channel), -EOPNOTSUPP);
	expect("nowrite.submissions_channel_refused", kshm_channel_create(k,
	       KSHM_CHANNEL_SUBMISSIONS, 65536, NULL, &channel), -EOPNOTSUPP);
	report("nowrite.refused_channels_leave_nothing", driver_idle(k), "counters not zero");
	err = kshm_region_create(k, 8192, 0, &r);
	expect("nowrite.writable_region_still_works", err, 0);
	if (!err) {
		report("nowrite.writable_region_writable", may_write(kshm_region_data(r)),
		       "a writable region is not writable");
		kshm_region_destroy(r);
	}
	report("nowrite.leaves_nothing", driver_idle(k), "counters not zero");
}

/* `--parameter NAME VALUE`: set a REG_DWORD under the service's Parameters key. */
int smoke_set_parameter(const char *name, const char *value)
{
	DWORD data = (DWORD)strtoul(value, NULL, 0);
	char test[128], why[64];
	HKEY key;
	LONG err;

	err = RegCreateKeyExA(HKEY_LOCAL_MACHINE,
			      "SYSTEM\\CurrentControlSet\\Services\\kshm\\Parameters", 0, NULL, 0,
			      KEY_SET_VALUE, NULL, &key, NULL);
	if (err == ERROR_SUCCESS) {
		err = RegSetValueExA(key, name, 0, REG_DWORD, (const BYTE *)&data, sizeof(data));
		RegCloseKey(key);
	}
	snprintf(test, sizeof(test), "nt.parameter_%s_%lu", name, (unsigned long)data);
	snprintf(why, sizeof(why), "error %ld", err);
	report(test, err == ERROR_SUCCESS, why);
	return err != ERROR_SUCCESS;
}

void test_real_kernel(struct kshm *k)
{
	test_fresh_pages_zeroed(k);
	test_readonly_region(k);
	test_device_acl();
	test_foreign_inherited();
	test_process_end(k, END_EXIT, "cleanup.process_exit_unlocks");
	test_process_end(k, END_KILL, "cleanup.process_kill_unlocks");
	test_process_end(k, END_KILL_WITH_DUPLICATE, "cleanup.kill_with_duplicate_unlocks");
	report("real_kernel.leaves_nothing", driver_idle(k), "counters not zero");
}

void skip_real_kernel(const char *why)
{
	static const char *const names[] = {
		"region.fresh_pages_zeroed", "region.readonly_mapping",
		"security.device_acl_entries", "security.device_acl_refuses_everyone",
		"security.device_acl_refuses_non_admin", "security.foreign_inherited_refused",
		"security.foreign_duplicate_refused", "cleanup.process_exit_unlocks",
		"cleanup.process_kill_unlocks", "cleanup.kill_with_duplicate_unlocks",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		skip(names[i], why);
}
