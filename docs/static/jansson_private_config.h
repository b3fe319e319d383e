/*
** jansson_private_config.h — for the self-contained build (make static):
** the config.h that Jansson's configure would write (its sources include it
** when HAVE_CONFIG_H is defined), written by hand for glibc on Linux. Every
** header and function below is in glibc; the choices that are not checks:
**   USE_URANDOM              the hash seed comes from /dev/urandom (configure's
**                            default, as Debian builds it); without it the seed
**                            is from the time and pid
**   INITIAL_HASHTABLE_ORDER  3: a new object has 2^3 buckets (the default)
** No USE_WINDOWS_CRYPTOAPI: not Windows.
*/
#define HAVE_ENDIAN_H 1
#define HAVE_FCNTL_H 1
#define HAVE_LOCALE_H 1
#define HAVE_SCHED_H 1
#define HAVE_UNISTD_H 1
#define HAVE_SYS_PARAM_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_STDINT_H 1

#define HAVE_CLOSE 1
#define HAVE_GETPID 1
#define HAVE_GETTIMEOFDAY 1
#define HAVE_LOCALECONV 1
#define HAVE_OPEN 1
#define HAVE_READ 1
#define HAVE_SCHED_YIELD 1
#define HAVE_STRTOLL 1

#define HAVE_SYNC_BUILTINS 1
#define HAVE_ATOMIC_BUILTINS 1

#define USE_URANDOM 1
#define INITIAL_HASHTABLE_ORDER 3
