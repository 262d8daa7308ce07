# The simulator's door, built into the guest MicroPython (scripts/build_guest_wasm.py).
DOOR_MOD_DIR := $(USERMOD_DIR)

SRC_USERMOD_C += $(DOOR_MOD_DIR)/doormodule.c
CFLAGS_USERMOD += -I$(DOOR_MOD_DIR)
