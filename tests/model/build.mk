# The spin model of the ring protocol, checked exhaustively for small rings.
.PHONY: model-check
CHECK_TARGETS += model-check
model-check:
	@command -v spin >/dev/null || { echo "model: spin missing: apt-get install spin"; exit 1; }
	@tests/model/check.sh $(BUILD) | tests/tap.sh model $(BUILD)/results
