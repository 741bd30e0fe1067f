# Run by compat/thrift/CMakeLists.txt on the c_glib output (cmake -DFILE=... -P):
# thrift 0.17's c_glib generator writes finalize functions that free the
# struct's members but never chain up to the parent class, so GObject's own
# finalize (which frees the object's qdata) is skipped and every struct
# leaks a little.  Each generated X_finalize becomes X_finalize_fields,
# wrapped by an X_finalize that calls it and then the parent's finalize.
# The generated types derive from ThriftStruct directly and are never
# subclassed, so the instance's class is the generated one.
file(READ "${FILE}" text)
string(REGEX REPLACE
  "\n([a-z0-9_]+)_finalize \\(GObject \\*object\\)\n\\{"
  "\n\\1_finalize_fields (GObject *object);\nstatic void\n\\1_finalize (GObject *object)\n{\n  \\1_finalize_fields (object);\n  G_OBJECT_CLASS (g_type_class_peek_parent (G_OBJECT_GET_CLASS (object)))->finalize (object);\n}\nstatic void\n\\1_finalize_fields (GObject *object)\n{"
  patched "${text}")
if(patched STREQUAL text)
  message(FATAL_ERROR "${FILE}: no generated finalize function found to chain up")
endif()
file(WRITE "${FILE}" "${patched}")
