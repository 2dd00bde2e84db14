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
#include <winternl.h>

#include <kshm.h>
#include "smoke.h"
#include "../../examples/tick/kshm_tick.h"
#include "api_client/kshm_api_client.h"

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

/* Start the command line `cmd`, inheriting inheritable handles, with pipes for its stdio. */
static int child_start_cmd(struct child *c, char *cmd)
{
	SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
	HANDLE in_read, out_write;
	STARTUPINFOA si;
	BOOL ok;

	memset(c, 0, sizeof(*c));
	if (!CreatePipe(&in_read, &c->to_child, &inherit, 0))
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
	ok = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &c->pi);
	CloseHandle(in_read);
	CloseHandle(out_write);
	if (!ok) {
		CloseHandle(c->to_child);
		CloseHandle(c->from_child);
	}
	return ok;
}

/* Start `smoke.exe --child ARGS`. */
static int child_start(struct child *c, const char *args)
{
	char exe[MAX_PATH], cmd[MAX_PATH + 128];

	if (!GetModuleFileNameA(NULL, exe, sizeof(exe)))
		return 0;
	snprintf(cmd, sizeof(cmd), "\"%s\" --child %s", exe, args);
	return child_start_cmd(c, cmd);
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
		printf("#    (this kernel ignores MdlMappingNoWrite: the driver refused the "
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

/*
 * NtLoadDriver or NtUnloadDriver on SERVICE's key, as the SCM calls them but
 * without the SCM, which may refuse first (Windows' refuses to stop a service
 * whose dependents run) or answer from what it remembers. SYSTEM holds
 * SeLoadDriverPrivilege, disabled: enabled here. The NTSTATUS, or -1.
 */
static LONG nt_driver_call(const char *routine, const char *service)
{
	typedef LONG (NTAPI *driver_call_fn)(UNICODE_STRING *key);
	static const char prefix[] = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
	driver_call_fn call = (driver_call_fn)(void (*)(void))GetProcAddress(
		GetModuleHandleA("ntdll.dll"), routine);
	TOKEN_PRIVILEGES privilege = { .PrivilegeCount = 1 };
	WCHAR path[160];
	UNICODE_STRING key;
	HANDLE token;
	size_t i, n = 0;

	if (!call || strlen(prefix) + strlen(service) >= ARRAYSIZE(path))
		return -1;
	for (i = 0; prefix[i]; i++)
		path[n++] = (WCHAR)prefix[i];
	for (i = 0; service[i]; i++)
		path[n++] = (WCHAR)service[i];
	path[n] = 0;
	key.Buffer = path;
	key.Length = (USHORT)(n * sizeof(WCHAR));
	key.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
	privilege.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
	if (OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, &token)) {
		if (LookupPrivilegeValueA(NULL, "SeLoadDriverPrivilege", &privilege.Privileges[0].Luid))
			AdjustTokenPrivileges(token, FALSE, &privilege, 0, NULL, NULL);
		CloseHandle(token);
	}
	return call(&key);
}

/*
 * `--unload-driver SERVICE`: ask the I/O manager to unload it, past the SCM.
 * With client drivers holding kshm's table (their file objects reference
 * kshm's device) the unload is deferred: no DriverUnload now. No verdict
 * here (Windows and ReactOS both answer success for a deferral); the next
 * --still-loaded gives it.
 */
int smoke_unload_driver(const char *service)
{
	printf("# smoke: NtUnloadDriver(%s): 0x%08lx\n", service,
	       (unsigned long)nt_driver_call("NtUnloadDriver", service));
	return 0;
}

/*
 * `--still-loaded TEST SERVICE`: SERVICE's driver is loaded: NtLoadDriver
 * answers STATUS_IMAGE_ALREADY_LOADED while its driver object exists (until
 * DriverUnload has run and the object is gone). If it was not loaded, this
 * loads it, and says FAIL.
 */
int smoke_still_loaded(const char *test, const char *service)
{
	LONG status = nt_driver_call("NtLoadDriver", service);
	char why[64];

	snprintf(why, sizeof(why), "NtLoadDriver answered 0x%08lx", (unsigned long)status);
	report(test, status == (LONG)0xC000010E /* STATUS_IMAGE_ALREADY_LOADED */, why);
	return status != (LONG)0xC000010E;
}

/*
 * `--stop-refused TEST SERVICE`: the SCM refuses to stop SERVICE while
 * services that depend on it run (ERROR_DEPENDENT_SERVICES_RUNNING): kshm
 * under its client drivers, created with `depend= kshm`. Asked here rather
 * than through sc.exe, whose exit status on the kit is 0 even on a refusal.
 */
int smoke_stop_refused(const char *test, const char *service)
{
	SC_HANDLE scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT), svc = NULL;
	SERVICE_STATUS status;
	DWORD err = 0;
	char why[64];

	if (scm)
		svc = OpenServiceA(scm, service, SERVICE_STOP);
	if (!svc)
		err = GetLastError();
	else if (!ControlService(svc, SERVICE_CONTROL_STOP, &status))
		err = GetLastError();
	if (svc)
		CloseServiceHandle(svc);
	if (scm)
		CloseServiceHandle(scm);
	snprintf(why, sizeof(why), "the stop was not refused for its dependents (error %lu)",
		 (unsigned long)err);
	report(test, err == ERROR_DEPENDENT_SERVICES_RUNNING, why);
	return err != ERROR_DEPENDENT_SERVICES_RUNNING;
}

/* KSHM_TICK_IOC_START with this handle and id: 0, or the Win32 error. */
static DWORD tick_start(HANDLE tick, intptr_t kshm_handle, uint32_t id)
{
	struct kshm_tick_start start = { .kshm_fd = (int32_t)kshm_handle, .channel_id = id,
					 .period_ns = 1000000 };
	DWORD returned;

	if (!DeviceIoControl(tick, KSHM_TICK_IOC_START, &start, sizeof(start), &start,
			     sizeof(start), &returned, NULL))
		return GetLastError();
	DeviceIoControl(tick, KSHM_TICK_IOC_STOP, NULL, 0, NULL, 0, &returned, NULL);
	return 0;
}

/*
 * `--api-lookups`: the kernel API's lookups refuse what a process may pass a
 * driver (through the tick sample's START, which passes its status on):
 * a handle that is no handle, a handle to something else, an id that names
 * nothing, a region where a channel is wanted; and a channel of the wrong
 * kind (the sample's own check). The lookup that is right succeeds.
 */
int smoke_api_lookups(struct kshm *k)
{
	HANDLE tick = CreateFileA("\\\\.\\" KSHM_TICK_DEVICE, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, 0, NULL);
	HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
	struct kshm_channel *events = NULL, *submissions = NULL;
	struct kshm_region *region = NULL;
	intptr_t handle = kshm_native_handle(k);
	DWORD err;

	if (tick == INVALID_HANDLE_VALUE) {
		report("api.lookups", 0, "\\\\.\\kshm_tick cannot be opened (is kshm_tick loaded?)");
		return 1;
	}
	expect("api.region_create", kshm_region_create(k, 4096, 0, &region), 0);
	expect("api.events_create", kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 4096, NULL, &events), 0);
	expect("api.submissions_create",
	       kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, 4096, NULL, &submissions), 0);
	if (region && events && submissions) {
		err = tick_start(tick, 0x7ffc, kshm_channel_id(events));
		report("api.lookup_bogus_handle_invalid", err == ERROR_INVALID_HANDLE, "not refused");
		err = tick_start(tick, (intptr_t)event, kshm_channel_id(events));
		report("api.lookup_event_handle_invalid", err == ERROR_INVALID_HANDLE, "not refused");
		err = tick_start(tick, handle, 0xfffff);
		report("api.lookup_unknown_id_not_found", err == ERROR_NOT_FOUND, "not refused");
		err = tick_start(tick, handle, kshm_region_id(region));
		report("api.lookup_region_as_channel_invalid", err == ERROR_INVALID_PARAMETER,
		       "not refused");
		err = tick_start(tick, handle, kshm_channel_id(submissions));
		report("api.lookup_wrong_kind_invalid", err == ERROR_INVALID_PARAMETER, "not refused");
		err = tick_start(tick, handle, kshm_channel_id(events));
		report("api.lookup_events_channel", err == 0, "refused");
	}
	CloseHandle(tick);
	CloseHandle(event);
	return 0;
}

/* A request to the API client driver: 0, or the Win32 error. */
static DWORD client_call(HANDLE client, DWORD code, struct kshm_api_client_req *req)
{
	DWORD returned;

	return DeviceIoControl(client, code, req, sizeof(*req), req, sizeof(*req), &returned, NULL) ?
	       0 : GetLastError();
}

static int region_live_count(struct kshm *k)
{
	struct kshm_version v;

	return kshm_query_version(k, &v) == 0 ? (int)v.regions_live : -1;
}

/*
 * `--api-regions`: the region half of the kernel API through a client driver
 * (windows/tests/api_client): the kernel view is the region's bytes (the
 * driver's FILL is what this process reads in its mapping); an attached
 * buffer is refused; and the reference outlives the process's destroy: the
 * driver still writes through its view, the region stays counted until the
 * driver puts it.
 */
int smoke_api_regions(struct kshm *k)
{
	static uint8_t buffer[8192];
	HANDLE client = CreateFileA("\\\\.\\" KSHM_API_CLIENT_DEVICE, GENERIC_READ | GENERIC_WRITE,
				    0, NULL, OPEN_EXISTING, 0, NULL);
	struct kshm_api_client_req req;
	struct kshm_region *region = NULL, *attached = NULL;
	intptr_t handle = kshm_native_handle(k);
	const uint8_t *data;
	uint64_t i, wrong = 0;

	if (client == INVALID_HANDLE_VALUE) {
		report("api.regions", 0, "\\\\.\\kshm_api_client cannot be opened (is it loaded?)");
		return 1;
	}
	expect("api.region_create_8k", kshm_region_create(k, 8192, 0, &region), 0);
	expect("api.buffer_attach", kshm_buffer_attach(k, buffer, sizeof(buffer),
						       KSHM_ATTACH_KERNEL_WRITE, &attached), 0);
	if (region && attached) {
		memset(&req, 0, sizeof(req));
		req.kshm_handle = (int32_t)handle;
		req.id = kshm_region_id(attached);
		report("api.region_attached_buffer_refused",
		       client_call(client, KSHM_API_CLIENT_HOLD, &req) == ERROR_NOT_SUPPORTED,
		       "an attached buffer was handed out");
		req.id = kshm_region_id(region);
		report("api.region_hold", client_call(client, KSHM_API_CLIENT_HOLD, &req) == 0 &&
		       req.len == 8192 && req.writable, "no reference, or a wrong view");
		req.seed = 7;
		report("api.region_fill", client_call(client, KSHM_API_CLIENT_FILL, &req) == 0,
		       "FILL failed");
		data = kshm_region_data(region);
		for (i = 0; i < 8192; i++)
			wrong += data[i] != (uint8_t)(7 + i);
		report("api.region_view_is_the_region", wrong == 0,
		       "the process does not see what the driver wrote through its view");
		expect("api.region_destroy_under_driver", kshm_region_destroy(region), 0);
		region = NULL;
		report("api.region_outlives_destroy", region_live_count(k) == 2,
		       "the held region is not counted live after the process destroyed it");
		req.seed = 9;
		report("api.region_view_valid_after_destroy",
		       client_call(client, KSHM_API_CLIENT_FILL, &req) == 0,
		       "the driver's view is gone");
		report("api.region_release", client_call(client, KSHM_API_CLIENT_RELEASE, &req) == 0 &&
		       region_live_count(k) == 1, "the put did not free the region");
	}
	if (region)
		kshm_region_destroy(region);
	if (attached)
		kshm_region_destroy(attached);
	CloseHandle(client);
	report("api.regions_leave_nothing", driver_idle(k), "counters not zero");
	return 0;
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

/*
 * `--kill-mid-stream NAME PROGRAM [ARGS...]`: a sample program of the kernel
 * API (examples/: tick.exe, crc.exe), killed once its sample driver holds
 * its channels and streams (the program's first line says so). The kill
 * closes the program's handles in no particular order: the sample driver's
 * IRP_MJ_CLEANUP must stop its DPC or thread and put the channels it holds,
 * whichever of kshm's CLEANUP closed them first, and kshm's counters drain.
 */
int smoke_kill_mid_stream(struct kshm *k, const char *name, int argc, char **argv)
{
	char cmd[1024], line[128], test[96];
	size_t used = 0;
	struct child c;
	long code;
	int i;

	for (i = 0; i < argc && used < sizeof(cmd); i++)
		used += (size_t)snprintf(cmd + used, sizeof(cmd) - used, "%s\"%s\"", i ? " " : "",
					 argv[i]);
	snprintf(test, sizeof(test), "%s.started", name);
	if (used >= sizeof(cmd) || !child_start_cmd(&c, cmd)) {
		report(test, 0, "cannot start the program");
		return 1;
	}
	report(test, 1, "");
	snprintf(test, sizeof(test), "%s.streaming", name);
	report(test, child_line(&c, line, sizeof(line)) &&
	       (strstr(line, ": streaming") || strstr(line, ": serving")),
	       "the program did not say its driver streams");
	snprintf(test, sizeof(test), "%s.driver_holds_channels", name);
	report(test, live_regions(k) > 0, "no channel live while the program streams");
	Sleep(500);	/* mid-stream */
	TerminateProcess(c.pi.hProcess, 9);
	code = child_finish(&c, 30000);
	snprintf(test, sizeof(test), "%s.killed", name);
	report(test, code == 9, "the program did not end by the kill");
	snprintf(test, sizeof(test), "%s.counters_drain", name);
	report(test, driver_idle_soon(k), "the sample driver kept a channel of the killed process");
	return 0;
}
