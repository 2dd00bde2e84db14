// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The x86 driver's exception guard, run: the assembler text of
 * windows/driver/kshm_guard_x86.h (the one the x86 kshm.sys links) against a
 * model of the x86 exception dispatcher, as a freestanding 32-bit Linux
 * program (no libc; int $0x80).
 *
 * Why a model: Debian's Wine here is 64-bit only (no wine32: it needs the
 * i386 architecture, whose packages do not install beside this machine's
 * amd64 ones; docs/windows.md), so no 32-bit Windows code runs under Wine,
 * neither a 32-bit driver nor a 32-bit test program.
 *
 * What the model does is what the x86 protocol requires of any dispatcher
 * (Windows' RtlDispatchException / RtlUnwind, Wine's, ReactOS's): records
 * chained from fs:[0] (here a TIB set up with set_thread_area), each checked
 * to be aligned and on the stack, handlers called as cdecl with (record,
 * registration, context, dispatcher context) and their disposition obeyed; an
 * exception nobody handles fails the test. Its RtlUnwind calls every newer
 * handler with EXCEPTION_UNWINDING, takes those records off the chain, and
 * returns (stdcall) with ebx, esi and edi clobbered, as native x86 RtlUnwind
 * may. Exceptions are raised in software, as ProbeForRead/ProbeForWrite and
 * ExRaiseStatus raise them; a hardware fault reaches the same dispatcher
 * from the trap handler. What this cannot show is the real kernel's
 * dispatcher: that needs a 32-bit Windows.
 *
 * Prints TAP (tests/tap.sh judges it): "ok N - guard_x86.name" or "not ok N -
 * guard_x86.name", the plan last (an unhandled exception ends the run short
 * of it); exits 1 on any failure.
 */
#include "windows/driver/kshm_guard_x86.h"

typedef unsigned int u32;
typedef int NTSTATUS;

#define STATUS_ACCESS_VIOLATION		((NTSTATUS)0xC0000005)
#define STATUS_UNSUCCESSFUL		((NTSTATUS)0xC0000001)
#define STATUS_BREAKPOINT		((NTSTATUS)0x80000003)
#define EXCEPTION_UNWINDING		2u
#define EXCEPTION_EXIT_UNWIND		4u
#define ExceptionContinueExecution	0u
#define ExceptionContinueSearch		1u

struct exception_record {
	u32 code;
	u32 flags;
	struct exception_record *nested;
	void *address;
	u32 nparams;
	u32 info[15];
};

struct registration;
typedef u32 (*handler_fn)(struct exception_record *rec, struct registration *frame,
			  void *context, void *dispatcher_context);
struct registration {
	struct registration *next;
	handler_fn handler;
};
#define CHAIN_END ((struct registration *)0xFFFFFFFFu)

/* The guard under test, from the same text as the driver's. */
__asm__(KSHM_GUARD_X86_ASM("_model_rtl_unwind_ptr"));
typedef NTSTATUS (*kshm_guarded_fn)(void *ctx);
NTSTATUS kshm_guarded_call(kshm_guarded_fn fn, void *ctx) __asm__("_kshm_guarded_call");
u32 kshm_seh_handler(struct exception_record *rec, struct registration *frame, void *context,
		     void *dispatcher_context) __asm__("_kshm_seh_handler");

/* ---- a few system calls ---- */
static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static u32 str_len(const char *s)
{
	u32 n = 0;

	while (s[n])
		n++;
	return n;
}

static void put(const char *s)
{
	sys3(4 /* write */, 1, (long)s, (long)str_len(s));
}

static void put_hex(u32 v)
{
	char buf[11] = "0x";
	int i;

	for (i = 0; i < 8; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
	buf[10] = 0;
	put(buf);
}

static void put_uint(u32 v)
{
	char buf[11];
	int i = 10;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(buf + i);
}

static __attribute__((noreturn)) void exit_with(int code)
{
	for (;;)
		sys3(1 /* exit */, code, 0, 0);
}

/* ---- the thread's chain at fs:[0] ---- */
static struct {
	struct registration *exception_list;
	u32 rest[15];
} tib = { CHAIN_END, { 0 } };
static u32 stack_top;	/* highest address a record may have */

static struct registration *chain_head(void)
{
	struct registration *head;

	__asm__ volatile("movl %%fs:0, %0" : "=r"(head));
	return head;
}

static void set_chain_head(struct registration *head)
{
	__asm__ volatile("movl %0, %%fs:0" : : "r"(head) : "memory");
}

static int setup_fs(void)
{
	struct {
		u32 entry_number, base_addr, limit, flags;
	} desc = { (u32)-1, (u32)&tib, 0xfffff, 1 | 1 << 4 | 1 << 6 };	/* 32-bit, pages, usable */
	unsigned short selector;

	if (sys3(243 /* set_thread_area */, (long)&desc, 0, 0) != 0)
		return -1;
	selector = (unsigned short)(desc.entry_number * 8 + 3);
	__asm__ volatile("movw %0, %%fs" : : "r"(selector));
	return 0;
}

/* ---- the model dispatcher ---- */
static u32 failures;
static const char *model_error;
static u32 context_dummy[0x2cc / 4];

static void model_fail(const char *why)
{
	model_error = why;
}

/* The record must be aligned and on this thread's stack, above the raiser. */
static int frame_valid(struct registration *r, void *raiser)
{
	return ((u32)r & 3) == 0 && (u32)r > (u32)raiser && (u32)r + sizeof(*r) <= stack_top;
}

/* RtlRaiseException: returns only if a handler asked to continue execution. */
static void model_raise(NTSTATUS code)
{
	struct exception_record rec = { .code = (u32)code };
	struct registration *r;
	u32 dispatcher_context = 0;

	for (r = chain_head(); r != CHAIN_END; r = r->next) {
		u32 disposition;

		if (!frame_valid(r, &rec)) {
			model_fail("invalid registration record on the chain");
			exit_with(2);
		}
		disposition = r->handler(&rec, r, context_dummy, &dispatcher_context);
		if (disposition == ExceptionContinueExecution)
			return;
		if (disposition != ExceptionContinueSearch) {
			model_fail("handler returned an invalid disposition");
			exit_with(2);
		}
	}
	put("Bail out! guard_x86: unhandled exception (the guard did not catch it)\n");
	exit_with(2);
}

/* RtlUnwind's work: unwind every record newer than target, then return. */
void model_unwind(struct registration *target, void *target_ip, struct exception_record *rec,
		  void *return_value) __asm__("_model_unwind");
void model_unwind(struct registration *target, void *target_ip, struct exception_record *rec,
		  void *return_value)
{
	struct exception_record unwind = *rec;
	struct registration *r;
	u32 dispatcher_context = 0;

	(void)target_ip;
	(void)return_value;
	unwind.flags |= EXCEPTION_UNWINDING;
	for (r = chain_head(); r != target; r = r->next) {
		if (r == CHAIN_END || !frame_valid(r, &unwind)) {
			model_fail("RtlUnwind: target frame not on the chain");
			exit_with(2);
		}
		if (r->handler(&unwind, r, context_dummy, &dispatcher_context) !=
		    ExceptionContinueSearch)
			model_fail("an unwind handler did not return ExceptionContinueSearch");
		set_chain_head(r->next);
	}
}

/* RtlUnwind itself: stdcall, and ebx/esi/edi not preserved (as native x86 may). */
__asm__(".text\n"
	"_model_rtl_unwind:\n"
	"	pushl	16(%esp)\n"
	"	pushl	16(%esp)\n"
	"	pushl	16(%esp)\n"
	"	pushl	16(%esp)\n"
	"	call	_model_unwind\n"
	"	addl	$16, %esp\n"
	"	movl	$0xbad0b0b0, %ebx\n"
	"	movl	$0xbad05151, %esi\n"
	"	movl	$0xbad0d1d1, %edi\n"
	"	ret	$16\n"
	".data\n"
	".p2align 2\n"
	"_model_rtl_unwind_ptr:\n"
	"	.long	_model_rtl_unwind\n"
	".text\n");

/*
 * u32 call_checked(fn, ctx, NTSTATUS *status): calls kshm_guarded_call with
 * known values in ebx, esi, edi and ebp; returns 0 when those and esp come
 * back unchanged.
 */
u32 call_checked(kshm_guarded_fn fn, void *ctx, NTSTATUS *status) __asm__("_call_checked");
static u32 saved_esp __attribute__((used));
__asm__(".text\n"
	"_call_checked:\n"
	"	pushl	%ebp\n"
	"	pushl	%ebx\n"
	"	pushl	%esi\n"
	"	pushl	%edi\n"
	"	movl	%esp, saved_esp\n"
	"	movl	20(%esp), %eax\n"
	"	movl	24(%esp), %ecx\n"
	"	movl	$0x1b1b1b1b, %ebx\n"
	"	movl	$0x5e5e5e5e, %esi\n"
	"	movl	$0xd1d1d1d1, %edi\n"
	"	movl	$0xebebebe0, %ebp\n"
	"	pushl	%ecx\n"
	"	pushl	%eax\n"
	"	call	_kshm_guarded_call\n"
	"	addl	$8, %esp\n"
	"	movl	$1, %edx\n"
	"	cmpl	$0x1b1b1b1b, %ebx\n"
	"	jne	1f\n"
	"	cmpl	$0x5e5e5e5e, %esi\n"
	"	jne	1f\n"
	"	cmpl	$0xd1d1d1d1, %edi\n"
	"	jne	1f\n"
	"	cmpl	$0xebebebe0, %ebp\n"
	"	jne	1f\n"
	"	cmpl	saved_esp, %esp\n"
	"	jne	1f\n"
	"	xorl	%edx, %edx\n"
	"1:	movl	saved_esp, %esp\n"
	"	movl	28(%esp), %ecx\n"
	"	movl	%eax, (%ecx)\n"
	"	movl	%edx, %eax\n"
	"	popl	%edi\n"
	"	popl	%esi\n"
	"	popl	%ebx\n"
	"	popl	%ebp\n"
	"	ret\n");

/* ---- the guarded functions ---- */
static NTSTATUS fn_return(void *ctx)
{
	return *(NTSTATUS *)ctx;
}

static NTSTATUS fn_raise(void *ctx)
{
	model_raise(*(NTSTATUS *)ctx);
	return 0x7777;	/* reached only if a handler continued execution */
}

/* A newer frame between the guard and the raise: a kernel routine's own __try. */
static u32 inner_dispatched, inner_unwound;
static u32 inner_handler(struct exception_record *rec, struct registration *frame, void *context,
			 void *dispatcher_context)
{
	(void)frame;
	(void)context;
	(void)dispatcher_context;
	if (rec->flags & EXCEPTION_UNWINDING)
		inner_unwound++;
	else
		inner_dispatched++;
	return ExceptionContinueSearch;
}

static NTSTATUS fn_raise_under_newer_frame(void *ctx)
{
	volatile struct registration inner = { chain_head(), inner_handler };

	set_chain_head((struct registration *)&inner);
	model_raise(*(NTSTATUS *)ctx);
	set_chain_head(inner.next);
	return 0x7777;
}

static NTSTATUS fn_guard_in_guard(void *ctx)
{
	struct registration *outer_record = chain_head();
	NTSTATUS status = kshm_guarded_call(fn_raise, ctx);

	/* the inner guard is gone; this guard's record is the newest again */
	return chain_head() == outer_record ? status : 0x6666;
}

/* ---- the cases ---- */
static u32 passes;

static void report(const char *name, int ok, NTSTATUS got)
{
	if (model_error) {
		ok = 0;
		put("# model: ");
		put(model_error);
		put("\n");
		model_error = 0;
	}
	put(ok ? "ok " : "not ok ");
	put_uint(passes + failures + 1);
	put(" - guard_x86.");
	put(name);
	put("\n");
	if (!ok) {
		put("# status ");
		put_hex((u32)got);
		put("\n");
	}
	if (ok)
		passes++;
	else
		failures++;
}

/* Guard fn(ctx) and expect `want`, registers intact, and the chain as it was. */
static void expect(const char *name, kshm_guarded_fn fn, NTSTATUS arg, NTSTATUS want)
{
	struct registration *before = chain_head();
	NTSTATUS got = 0;
	u32 regs_changed = call_checked(fn, &arg, &got);

	report(name, got == want && !regs_changed && chain_head() == before, got);
}

static void run(void)
{
	struct exception_record unwinding = { .code = (u32)STATUS_ACCESS_VIOLATION };

	expect("returns_fn_status", fn_return, 0x1234, 0x1234);
	expect("returns_fn_error", fn_return, STATUS_UNSUCCESSFUL, STATUS_UNSUCCESSFUL);
	expect("catches_access_violation", fn_raise, STATUS_ACCESS_VIOLATION,
	       STATUS_ACCESS_VIOLATION);
	expect("passes_other_codes", fn_raise, STATUS_BREAKPOINT, STATUS_BREAKPOINT);
	expect("success_code_is_an_error", fn_raise, 0, STATUS_UNSUCCESSFUL);
	expect("unwinds_newer_frames", fn_raise_under_newer_frame, STATUS_ACCESS_VIOLATION,
	       STATUS_ACCESS_VIOLATION);
	report("newer_frame_dispatched_then_unwound_once", inner_dispatched == 1 && inner_unwound == 1,
	       (NTSTATUS)(inner_dispatched << 16 | inner_unwound));
	expect("guard_in_guard", fn_guard_in_guard, STATUS_ACCESS_VIOLATION,
	       STATUS_ACCESS_VIOLATION);
	/* an unwind passing through (another frame's): nothing to do, keep searching */
	unwinding.flags = EXCEPTION_UNWINDING;
	report("lets_unwind_pass", kshm_seh_handler(&unwinding, 0, 0, 0) == ExceptionContinueSearch, 0);
	unwinding.flags = EXCEPTION_EXIT_UNWIND;
	report("lets_exit_unwind_pass",
	       kshm_seh_handler(&unwinding, 0, 0, 0) == ExceptionContinueSearch, 0);
	report("chain_empty_at_end", chain_head() == CHAIN_END, (NTSTATUS)(u32)chain_head());
}

void start_c(u32 top) __asm__("_start_c");
void start_c(u32 top)
{
	stack_top = top;
	if (setup_fs() != 0) {
		put("Bail out! guard_x86.setup: set_thread_area failed\n");
		exit_with(1);
	}
	run();
	put("1..");
	put_uint(passes + failures);
	put("\n");
	exit_with(failures ? 1 : 0);
}

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	movl	%esp, %eax\n"
	"	andl	$-16, %esp\n"
	"	pushl	%eax\n"
	"	pushl	%eax\n"
	"	pushl	%eax\n"
	"	pushl	%eax\n"		/* stack_top: the entry stack pointer */
	"	call	_start_c\n"
	"	hlt\n");
