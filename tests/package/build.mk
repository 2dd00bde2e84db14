# The Debian packages (debian/), tested as users get them (tests/package/check.sh):
#   make package-check    dpkg-buildpackage -b in a scratch copy of the tree, lintian,
#                         each package's contents, the README's example built against
#                         libkshm-dev, kshm-dkms built by dkms against $(KDIR) and
#                         `kshm demo` from the packages in the VM; writes
#                         $(BUILD)/results/package.counts
# It builds everything it tests in its copy, so it needs nothing built here.
.PHONY: package-check
package-check:
	@tests/package/check.sh $(BUILD) "$(KDIR)" | tests/tap.sh package $(BUILD)/results

CHECK_TARGETS += package-check
