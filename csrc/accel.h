/* What csrc/accel.c shares with the other CPython-only C file, accel_lifecycle.c:
 * reaching a Python object's __slots__ by offset, calling the Python original of a C
 * method, and installing C methods on pyuv_net's classes. */
#ifndef PYUV_NET_ACCEL_H
#define PYUV_NET_ACCEL_H
#include <Python.h>

#if PY_VERSION_HEX < 0x030A0000 /* (3.10 has it) */
static inline PyObject *Py_NewRef(PyObject *obj) {
    Py_INCREF(obj);
    return obj;
}
#endif

/* Where a __slots__ member lives in `self`: its value, or NULL while unset. */
static inline PyObject **slot_at(PyObject *self, Py_ssize_t offset) {
    return (PyObject **)((char *)self + offset);
}

/* The class's version tag, or 0 while it has none: CPython gives a class a new one
 * after every change to it or to a base. */
static inline unsigned int pn_version_tag(PyTypeObject *type) {
#ifdef Py_TPFLAGS_VALID_VERSION_TAG
    if (!(type->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG))
        return 0;
#endif
    return type->tp_version_tag;
}

/* The offset of a __slots__ member of `type` or of a base, or -1. */
Py_ssize_t pn_accel_slot_offset(PyTypeObject *type, const char *name);

/* A new object of `type`, its __init__ not run, with the slot at offsets[i] holding
 * values[i] (a new reference; NULL leaves it unset), as the constructor of a
 * __slots__ class of pyuv_net would set them; NULL with an exception. */
PyObject *pn_accel_new_with_slots(PyTypeObject *type, const Py_ssize_t *offsets, PyObject *const *values, int count);

/* impl(self, *args, **kwargs): a C method's Python original, for what C leaves to it. */
PyObject *pn_accel_call_impl(PyObject *impl, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames);

/* Sets each of `names` on `type` to the C method `def`: 0, or UV_ENOMEM. */
int pn_accel_install_named(PyTypeObject *type, PyMethodDef *def, const char *const *names, int count);

/* Sets type.<def->ml_name> to the C method `def`: 0, or UV_ENOMEM. */
int pn_accel_install_method(PyTypeObject *type, PyMethodDef *def);

/* *name = the interned string `text`, made on first use: 0, or -1 with an exception. */
int pn_accel_intern(PyObject **name, const char *text);

/* _dispatch._objects[slot] = obj (the table takes a new reference): 0, or -1 with an
 * exception. */
int pn_accel_set_object(int slot, PyObject *obj);

/* As _dispatch.register(obj): a free slot of _objects (or a new one) now holding obj;
 * its number, or -1 with an exception. */
long pn_accel_register(PyObject *obj);

/* As _dispatch.release(slot): 0, or -1 with an exception. */
int pn_accel_release_slot(long slot);

/* EventEmitter's C methods called straight, for an object whose class's methods they
 * are: as emitter.on / once / prepend_listener / remove_listener / emit(*args). */
enum pn_emitter_method { PN_EMITTER_ON, PN_EMITTER_ONCE, PN_EMITTER_PREPEND, PN_EMITTER_REMOVE, PN_EMITTER_EMIT };
PyObject *pn_accel_emitter(enum pn_emitter_method method, PyObject *self, PyObject *const *args, Py_ssize_t nargs);

#endif
