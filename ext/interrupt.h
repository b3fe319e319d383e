/*
** interrupt.h — whether the host has asked the running statement to stop.
*/
#ifndef INTERRUPT_H
#define INTERRUPT_H

/* The rule engine's stop question (mq_engine_set_stop) for connection db
** (an sqlite3 *): nonzero once sqlite3_interrupt() was called (Ctrl-C in the
** sqlite3 shell, Python's Connection.interrupt()) or the progress handler
** asks to stop (datasette's time limit). */
int mq_sql_interrupted(void *db);

#endif
