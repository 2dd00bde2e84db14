/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kshm_guarded_call() for x86, as assembler text: the frame-based SEH guard
 * described in kshm_guard.c. A header so that the one text is both the
 * driver's guard and what windows/tests/guard_x86.c runs against a model of
 * the x86 exception dispatcher. rtl_unwind_ptr names a pointer to
 * RtlUnwind (stdcall): the import address table slot in the driver.
 * Symbols are spelled as C on x86 Windows names them (leading underscore).
 */
#ifndef KSHM_GUARD_X86_H
#define KSHM_GUARD_X86_H

/*
 * NTSTATUS kshm_guarded_call(kshm_guarded_fn fn, void *ctx), cdecl.
 *
 * Frame, from ebp: saved ebx, esi, edi at -4, -8, -12, then the record at
 * -24: { next (fs:[0] before), handler, ebp }. fn may be cdecl or stdcall:
 * esp is rebuilt from ebp on both ways out.
 *
 * EXCEPTION_DISPOSITION kshm_seh_handler(EXCEPTION_RECORD *rec, void *record,
 *     CONTEXT *context, void *dispatcher_context), cdecl: ExceptionFlags at
 * rec + 4, ExceptionCode at rec + 0. Native RtlUnwind keeps esp and ebp but
 * not ebx, esi, edi: after it, only ebp-relative slots are read.
 */
#define KSHM_GUARD_X86_ASM(rtl_unwind_ptr) \
	".text\n" \
	".globl _kshm_guarded_call\n" \
	".p2align 4\n" \
	"_kshm_guarded_call:\n" \
	"	pushl	%ebp\n" \
	"	movl	%esp, %ebp\n" \
	"	pushl	%ebx\n" \
	"	pushl	%esi\n" \
	"	pushl	%edi\n" \
	"	pushl	%ebp\n"			/* record + 8: the frame to resume in */ \
	"	pushl	$_kshm_seh_handler\n"	/* record + 4 */ \
	"	pushl	%fs:0\n"		/* record + 0: the newest record so far */ \
	"	movl	%esp, %fs:0\n"		/* registered: fn runs guarded */ \
	"	pushl	12(%ebp)\n" \
	"	call	*8(%ebp)\n"		/* eax = fn(ctx) */ \
	"Lkshm_guard_done:\n"			/* eax: the status; ebp: this frame */ \
	"	movl	-24(%ebp), %ecx\n" \
	"	movl	%ecx, %fs:0\n"		/* the record leaves the chain */ \
	"	leal	-12(%ebp), %esp\n" \
	"	popl	%edi\n" \
	"	popl	%esi\n" \
	"	popl	%ebx\n" \
	"	popl	%ebp\n" \
	"	ret\n" \
	"\n" \
	".p2align 4\n" \
	"_kshm_seh_handler:\n" \
	"	movl	4(%esp), %eax\n" \
	"	testl	$6, 4(%eax)\n"		/* EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND */ \
	"	jz	1f\n" \
	"	movl	$1, %eax\n"		/* ExceptionContinueSearch */ \
	"	ret\n" \
	"1:	pushl	%ebp\n" \
	"	movl	%esp, %ebp\n" \
	"	pushl	12(%ebp)\n"		/* -4: our record */ \
	"	pushl	(%eax)\n"		/* -8: ExceptionCode */ \
	"	pushl	$0\n"			/* ReturnValue */ \
	"	pushl	%eax\n"			/* ExceptionRecord */ \
	"	pushl	$2f\n"			/* TargetIp: here again, after the unwind */ \
	"	pushl	-4(%ebp)\n"		/* TargetFrame: unwind everything newer */ \
	"	call	*" rtl_unwind_ptr "\n" \
	"2:	movl	-8(%ebp), %eax\n" \
	"	testl	%eax, %eax\n" \
	"	js	3f\n" \
	"	movl	$0xC0000001, %eax\n"	/* STATUS_UNSUCCESSFUL: never a success */ \
	"3:	movl	-4(%ebp), %ecx\n" \
	"	movl	8(%ecx), %ebp\n"	/* kshm_guarded_call's frame */ \
	"	jmp	Lkshm_guard_done\n"

#endif /* KSHM_GUARD_X86_H */
