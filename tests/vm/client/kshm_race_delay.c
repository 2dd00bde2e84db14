// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture, for the test VM only: holds every return from
 * kshm_file_insert() for delay_ms. That is the moment a new region is in its
 * file's array (another thread can destroy it: ids are predictable) while the
 * ioctl that made it has not replied yet. A request that read the new
 * object after the insert would then read freed memory every time, which
 * KASAN reports, instead of once in millions of races
 * (tests/vm/test_hardening.c, create_destroyed_inside_the_reply_window).
 */
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static unsigned int delay_ms = 20;
module_param(delay_ms, uint, 0644);
MODULE_PARM_DESC(delay_ms, "how long each return from kshm_file_insert is held");

/* A busy wait: the probe handler runs with preemption off. */
static int insert_returned(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	mdelay(READ_ONCE(delay_ms));
	return 0;
}

static struct kretprobe insert_probe = {
	.kp.symbol_name = "kshm_file_insert",
	.handler = insert_returned,
	.maxactive = 16,
};

static int __init race_delay_init(void)
{
	return register_kretprobe(&insert_probe);
}

static void __exit race_delay_exit(void)
{
	unregister_kretprobe(&insert_probe);
}

module_init(race_delay_init);
module_exit(race_delay_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kshm test fixture: widens the window after a region's insert");
