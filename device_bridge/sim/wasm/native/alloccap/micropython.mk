# The host's cap on the guest's largest allocation, built into the guest MicroPython
# (scripts/build_guest_wasm.py sends py/malloc.c's calls to the collector through it).
ALLOCCAP_MOD_DIR := $(USERMOD_DIR)

SRC_USERMOD_C += $(ALLOCCAP_MOD_DIR)/alloccap.c
