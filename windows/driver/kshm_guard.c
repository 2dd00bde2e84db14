// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kshm_guarded_call(): the driver's one exception guard. Every access that
 * may raise (a user pointer, MmProbeAndLockPages, a user-mode mapping) runs
 * as fn(ctx) under it, and an exception comes back as its code, never as a
 * crash: what `__try { status = fn(ctx); } __except (EXCEPTION_EXECUTE_HANDLER)
 * { status = GetExceptionCode(); }` means in MSVC.
 *
 * x64: exactly that, in C; clang emits the .pdata/.xdata scope table and
 * __C_specific_handler does the rest.
 *
 * x86: clang's mingw target cannot emit 32-bit SEH, so the frame is built by
 * hand, the way 32-bit Windows code has always done it: an
 * EXCEPTION_REGISTRATION record on the stack, pushed on the thread's chain at
 * fs:[0] (the KPCR's NT_TIB in kernel mode), for the duration of fn. When
 * something below raises, the dispatcher calls kshm_seh_handler with that
 * record; the handler
 *  1. lets unwind calls pass (ExceptionContinueSearch),
 *  2. calls RtlUnwind(record, ...), which runs the unwind handlers of every
 *     newer frame (a kernel routine's own __try, say) and leaves fs:[0]
 *     pointing at our record again,
 *  3. resumes in kshm_guarded_call's frame with the exception code: the
 *     frame pointer is stored in the record, the callee-saved registers are
 *     popped from that frame, and the record is taken off the chain.
 * Native x86 RtlUnwind returns with esp and ebp intact but not ebx, esi, edi
 * (ReactOS and Wine wrap it for that reason), so after the call the handler
 * reads what it needs through ebp only.
 *
 * A 32-bit image that registers handlers must list them (SafeSEH): the load
 * configuration below names kshm_seh_handler as the image's only handler,
 * and windows/tests/pe-check.sh checks the table in the linked .sys.
 */
#include "kshm_drv.h"

#if defined(__x86_64__)

/* An exception is never a success, whatever code it was raised with. */
static NTSTATUS exception_status(NTSTATUS code)
{
	return NT_SUCCESS(code) ? STATUS_UNSUCCESSFUL : code;
}

/*
 * The code is taken in the filter, from the exception record itself: what
 * reaches the __except body as GetExceptionCode() is whatever the
 * personality routine's unwind passed along (Wine's passes no code).
 */
NTSTATUS kshm_guarded_call(kshm_guarded_fn fn, void *ctx)
{
	volatile NTSTATUS code = STATUS_UNSUCCESSFUL;
	NTSTATUS status;

	__try {
		status = fn(ctx);
	} __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
		status = exception_status(code);
	}
	return status;
}

#elif defined(__i386__)

#include <ntimage.h>
#include "kshm_guard_x86.h"

__asm__(KSHM_GUARD_X86_ASM("__imp__RtlUnwind@16")
	/* The image's SafeSEH table: RVAs of every registered handler, sorted. */
	".section .rdata,\"dr\"\n"
	".p2align 2\n"
	"_kshm_seh_handler_table:\n"
	"	.rva	_kshm_seh_handler\n"
	".text\n");

extern const ULONG kshm_seh_handler_table[1] __asm__("_kshm_seh_handler_table");

/*
 * The load configuration directory (lld points the PE header at this
 * symbol): only the SafeSEH fields are used.
 */
const IMAGE_LOAD_CONFIG_DIRECTORY32 _load_config_used __attribute__((used)) = {
	.Size = sizeof(IMAGE_LOAD_CONFIG_DIRECTORY32),
	.SEHandlerTable = (ULONG)(ULONG_PTR)kshm_seh_handler_table,
	.SEHandlerCount = ARRAYSIZE(kshm_seh_handler_table),
};

#else
#error "kshm_guarded_call: x64 or x86 only"
#endif
