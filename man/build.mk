# The manual: kshm(1), libkshm(3) and a page per API function, kshm(4).
# Pages are roff sources, installed as they are, with no build step.
#
# A page shared by closely related functions is reached under the other
# names through one-line `.so` pages. Those are installed as plain files
# beside it, not as symlinks, because man(1) resolves `.so` from the root of
# the manual it is reading, wherever the tree lives.
#
# man-check runs man/lint.sh: mandoc's and groff's warnings on every page, and
# a page for every function include/kshm.h declares, so the manual cannot fall
# behind the API unnoticed.

MANDIR     ?= $(PREFIX)/share/man
MAN1_PAGES := $(wildcard man/man1/*.1)
MAN3_PAGES := $(wildcard man/man3/*.3)
MAN4_PAGES := $(wildcard man/man4/*.4)
MAN_PAGES  := $(MAN1_PAGES) $(MAN3_PAGES) $(MAN4_PAGES)

.PHONY: man-check install-man uninstall-man

CHECK_TARGETS += man-check
man-check:
	@man/lint.sh | tests/tap.sh man $(BUILD)/results

install: install-man
install-man:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man4
	install -m 644 $(MAN1_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN3_PAGES) $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(MAN4_PAGES) $(DESTDIR)$(MANDIR)/man4/

# Only the pages: the section directories are shared with everything else
# installed under the prefix.
uninstall: uninstall-man
uninstall-man:
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/%,$(MAN_PAGES))
