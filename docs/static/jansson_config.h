/*
** jansson_config.h — for the self-contained build (make static): what
** Jansson's configure writes from jansson_config.h.in, written here by hand
** because that build compiles Jansson's sources without running configure.
** The values are those of Debian's libjansson-dev 2.14 on glibc
** (/usr/include/jansson_config.h), so the static extension sees the same
** API as the shared one: inline, 64-bit json_int_t, localeconv for the
** decimal point, atomic reference counts, parser depth 2048.
*/
#ifndef JANSSON_CONFIG_H
#define JANSSON_CONFIG_H

#ifdef __cplusplus
#define JSON_INLINE inline
#else
#define JSON_INLINE inline
#endif
#define JSON_INTEGER_IS_LONG_LONG 1
#define JSON_HAVE_LOCALECONV 1
#define JSON_HAVE_ATOMIC_BUILTINS 1
#define JSON_HAVE_SYNC_BUILTINS 1
#define JSON_PARSER_MAX_DEPTH 2048

#endif
